-- pgbench script: one enqueue = one INSERT (autocommit, synchronous_commit on), due within 30 days.
\set pri random(0, 9)
\set delay random(0, 2592000)
\set post random(1, 1000000000)
INSERT INTO jobs (priority, scheduled_for, state, payload)
VALUES (:pri, now() + :delay * interval '1 second', 'pending',
        '{"class":"PublishPost","args":["post-' || :post || '",["x","linkedin"]]}');
