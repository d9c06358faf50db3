-- pgbench script: one batch enqueue = one INSERT of 100 rows (autocommit, synchronous_commit on), each row
-- shaped as enqueue.sql's (priority 0–9, due within 30 days, a distinct post id), generated server-side as
-- River's InsertMany sends its rows (INSERT … SELECT over arrays).
\set post random(1, 1000000000)
INSERT INTO jobs (priority, scheduled_for, state, payload)
SELECT (random() * 9)::int, now() + (random() * 2592000)::int * interval '1 second', 'pending',
       '{"class":"PublishPost","args":["post-' || (:post + g) || '",["x","linkedin"]]}'
FROM generate_series(1, 100) AS g;
