-- Issue lifecycle. resolution: NULL (plain resolve: any new event regresses),
-- 'in_release' (events from resolved_in_release or newer regress) or 'in_next_release'
-- (events from releases newer than resolved_in_release regress).
ALTER TABLE issues ADD COLUMN resolved_at timestamptz;
ALTER TABLE issues ADD COLUMN resolution text;
ALTER TABLE issues ADD COLUMN resolved_in_release text;
-- Ignore ("archive") conditions, and the counters when the issue was ignored.
ALTER TABLE issues ADD COLUMN ignored_at timestamptz;
ALTER TABLE issues ADD COLUMN ignore_until timestamptz;
ALTER TABLE issues ADD COLUMN ignore_count bigint;
ALTER TABLE issues ADD COLUMN ignore_window_minutes integer;
ALTER TABLE issues ADD COLUMN ignore_user_count bigint;
ALTER TABLE issues ADD COLUMN ignore_user_window_minutes integer;
ALTER TABLE issues ADD COLUMN ignore_times_seen_baseline bigint;
ALTER TABLE issues ADD COLUMN ignore_user_count_baseline bigint;
CREATE INDEX issues_project_status_last_seen ON issues (project_id, status, last_seen DESC);

-- What happened to an issue: regressions and escalations (written by processors),
-- status changes and merges (written by the query service).
CREATE TABLE issue_activities (
    id          bigserial PRIMARY KEY,
    issue_id    bigint NOT NULL,
    type        text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX issue_activities_issue ON issue_activities (issue_id, id);

-- Releases of an organization, created by the first event that names them (or by the API).
CREATE TABLE releases (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id),
    version          text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    date_released    timestamptz,
    ref              text,
    url              text,
    UNIQUE (organization_id, version)
);
CREATE TABLE release_projects (
    release_id   bigint NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    project_id   bigint NOT NULL REFERENCES projects(id),
    first_event  timestamptz,
    last_event   timestamptz,
    event_count  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (release_id, project_id)
);

-- Per-project grouping rules in Sentry's syntax (docs/GROUPING.md), read by processors.
ALTER TABLE projects ADD COLUMN fingerprint_rules text NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN stack_trace_rules text NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN grouping_rules_updated_at timestamptz;

-- Events partitioned by UTC day of their timestamp, so retention drops whole partitions.
-- Uniqueness of (project, event id) across partitions lives in event_ids.
ALTER TABLE events RENAME TO events_unpartitioned;
ALTER INDEX events_pkey RENAME TO events_unpartitioned_pkey;
ALTER INDEX events_issue_timestamp RENAME TO events_unpartitioned_issue_timestamp;
CREATE TABLE events (
    project_id   bigint NOT NULL,
    event_id     uuid NOT NULL,
    issue_id     bigint NOT NULL,
    timestamp    timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    platform     text,
    level        text NOT NULL,
    title        text NOT NULL,
    release      text,
    environment  text,
    trace_id     text,
    user_key     text,
    payload      jsonb NOT NULL,
    PRIMARY KEY (project_id, event_id, timestamp)
) PARTITION BY RANGE (timestamp);
CREATE INDEX events_issue_timestamp ON events (issue_id, timestamp DESC);
CREATE INDEX events_trace ON events (trace_id) WHERE trace_id IS NOT NULL;
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE event_ids (
    project_id  bigint NOT NULL,
    event_id    uuid NOT NULL,
    timestamp   timestamptz NOT NULL,
    PRIMARY KEY (project_id, event_id)
);
INSERT INTO event_ids SELECT project_id, event_id, timestamp FROM events_unpartitioned;
INSERT INTO events SELECT * FROM events_unpartitioned;
DROP TABLE events_unpartitioned;

-- Creates the partition of one UTC day; false when it could not (another processor won
-- the race, or the default partition already holds rows of that day, which then stay there).
CREATE FUNCTION faultline_ensure_event_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass(format('events_%s', to_char(day, 'YYYYMMDD'))) IS NOT NULL THEN
        RETURN true;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                   format('events_%s', to_char(day, 'YYYYMMDD')),
                   (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
    RETURN true;
EXCEPTION WHEN duplicate_table OR unique_violation OR check_violation OR lock_not_available THEN
    RETURN false;
END $$;

-- Drops the day partitions that end on or before the cutoff; returns their names.
CREATE FUNCTION faultline_drop_event_partitions(cutoff date) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    partition_name text;
BEGIN
    FOR partition_name IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
          AND to_date(substr(c.relname, 8), 'YYYYMMDD') < cutoff
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', partition_name);
        RETURN NEXT partition_name;
    END LOOP;
END $$;
