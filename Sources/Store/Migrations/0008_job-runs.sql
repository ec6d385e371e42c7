-- State of the singleton jobs (Store/Jobs, docs/ARCHITECTURE.md): one row per job, written by
-- whichever processor holds the jobs' advisory lock, so a new leader keeps the schedule.
CREATE TABLE job_runs (
    name              text PRIMARY KEY,
    last_started_at   timestamptz,
    last_finished_at  timestamptz,
    last_success_at   timestamptz,
    last_error        text,
    last_summary      text,
    next_run_at       timestamptz,
    runs              bigint NOT NULL DEFAULT 0,
    failures          bigint NOT NULL DEFAULT 0,
    runner            text
);
