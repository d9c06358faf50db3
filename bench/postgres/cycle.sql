-- pgbench script: one River-style job cycle = claim the most urgent due job with FOR UPDATE SKIP LOCKED,
-- then mark it completed: two statements, each its own autocommit transaction (the worker runs the job
-- between them; here it does nothing). \gset keeps the claimed id for the second statement.
UPDATE jobs SET state = 'running'
WHERE id = (SELECT id FROM jobs
            WHERE state = 'pending' AND scheduled_for <= now()
            ORDER BY priority DESC, scheduled_for
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
RETURNING id \gset
UPDATE jobs SET state = 'completed' WHERE id = :id;
