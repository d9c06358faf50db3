-- pgbench script: one dequeue = claim the most urgent due job with FOR UPDATE SKIP LOCKED (autocommit).
UPDATE jobs SET state = 'running'
WHERE id = (SELECT id FROM jobs
            WHERE state = 'pending' AND scheduled_for <= now()
            ORDER BY priority DESC, scheduled_for
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
RETURNING id;
