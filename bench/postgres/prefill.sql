-- Untimed pre-fill for the dequeue run: :rows due pending jobs (psql -v rows=N).
TRUNCATE jobs;
INSERT INTO jobs (priority, scheduled_for, state, payload)
SELECT (g % 10), now() - (g % 86400) * interval '1 second', 'pending',
       '{"class":"PublishPost","args":["post-' || g || '",["x","linkedin"]]}'
FROM generate_series(1, :rows) AS g;
VACUUM ANALYZE jobs;
CHECKPOINT;
