-- The job table of the SKIP LOCKED queue pattern (River, Oban, pg-boss), reduced to what the benchmark touches.
SET client_min_messages = warning;
DROP TABLE IF EXISTS jobs;
CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  priority      int         NOT NULL DEFAULT 0,
  scheduled_for timestamptz NOT NULL DEFAULT now(),
  state         text        NOT NULL DEFAULT 'pending',
  payload       text        NOT NULL
);
CREATE INDEX jobs_fetch ON jobs (state, priority DESC, scheduled_for);
