/// Versioned schema, applied in order by `faultline migrate`. Never edit an applied migration;
/// add the next one. Which component writes and reads each table: docs/ARCHITECTURE.md.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
}

public enum Migrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "foundation", sql: """
        CREATE TABLE organizations (
            id          bigserial PRIMARY KEY,
            slug        text NOT NULL UNIQUE,
            name        text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE projects (
            id               bigserial PRIMARY KEY,
            organization_id  bigint NOT NULL REFERENCES organizations(id),
            slug             text NOT NULL,
            name             text NOT NULL,
            platform         text,
            next_short_id    bigint NOT NULL DEFAULT 0,
            created_at       timestamptz NOT NULL DEFAULT now(),
            UNIQUE (organization_id, slug)
        );

        -- DSN keys. The public key is not a secret (it ships inside browser bundles), so it is
        -- stored as is and looked up directly.
        CREATE TABLE project_keys (
            id          bigserial PRIMARY KEY,
            project_id  bigint NOT NULL REFERENCES projects(id),
            public_key  text NOT NULL UNIQUE,
            label       text NOT NULL DEFAULT 'Default',
            is_active   boolean NOT NULL DEFAULT true,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        -- API tokens are secrets: only their SHA-256 is stored.
        CREATE TABLE api_tokens (
            id               bigserial PRIMARY KEY,
            organization_id  bigint NOT NULL REFERENCES organizations(id),
            token_hash       text NOT NULL UNIQUE,
            token_prefix     text NOT NULL,
            label            text NOT NULL DEFAULT '',
            scopes           text[] NOT NULL,
            created_at       timestamptz NOT NULL DEFAULT now(),
            revoked_at       timestamptz
        );

        CREATE TABLE issues (
            id             bigserial PRIMARY KEY,
            project_id     bigint NOT NULL REFERENCES projects(id),
            short_id       bigint NOT NULL,
            title          text NOT NULL,
            culprit        text NOT NULL DEFAULT '',
            level          text NOT NULL,
            platform       text,
            type           text NOT NULL DEFAULT 'error',
            metadata       jsonb NOT NULL DEFAULT '{}',
            status         text NOT NULL DEFAULT 'unresolved',
            substatus      text NOT NULL DEFAULT 'new',
            first_seen     timestamptz NOT NULL,
            last_seen      timestamptz NOT NULL,
            times_seen     bigint NOT NULL DEFAULT 0,
            user_count     bigint NOT NULL DEFAULT 0,
            first_release  text,
            last_release   text,
            UNIQUE (project_id, short_id)
        );
        CREATE INDEX issues_project_last_seen ON issues (project_id, last_seen DESC);

        -- Every grouping hash of a project points at one issue; merges only move rows here.
        CREATE TABLE issue_hashes (
            project_id  bigint NOT NULL,
            hash        text NOT NULL,
            issue_id    bigint NOT NULL REFERENCES issues(id) DEFERRABLE INITIALLY DEFERRED,
            PRIMARY KEY (project_id, hash)
        );

        -- One row per accepted event; the key makes an SDK retry of the same event count once.
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
            PRIMARY KEY (project_id, event_id)
        );
        CREATE INDEX events_issue_timestamp ON events (issue_id, timestamp DESC);

        CREATE TABLE issue_users (
            issue_id  bigint NOT NULL,
            user_key  text NOT NULL,
            PRIMARY KEY (issue_id, user_key)
        );

        -- The processor's authoritative Kafka positions, committed in the same transaction as
        -- the writes they account for. cluster_id tells a restarted in-memory broker apart.
        CREATE TABLE consumer_offsets (
            group_id     text NOT NULL,
            topic        text NOT NULL,
            partition    integer NOT NULL,
            cluster_id   text NOT NULL,
            next_offset  bigint NOT NULL,
            updated_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (group_id, topic, partition)
        );

        -- Messages the processor could not use, with the reason; skipped, never retried.
        CREATE TABLE dead_letters (
            id            bigserial PRIMARY KEY,
            topic         text NOT NULL,
            partition     integer NOT NULL,
            kafka_offset  bigint NOT NULL,
            project_id    bigint,
            reason        text NOT NULL,
            payload       bytea NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now()
        );
        """),
        Migration(version: 2, name: "relay-limits-and-filters", sql: """
        -- Inbound filters per project, read by relays:
        -- {"error_messages": [glob…], "releases": [glob…], "localhost": bool, "browser_extensions": bool}
        ALTER TABLE projects ADD COLUMN filters jsonb NOT NULL DEFAULT '{}';

        -- Rate limits per project or per DSN key and data category over a fixed window.
        CREATE TABLE rate_limits (
            id              bigserial PRIMARY KEY,
            project_id      bigint NOT NULL REFERENCES projects(id),
            key_id          bigint REFERENCES project_keys(id),
            category        text NOT NULL,
            window_seconds  integer NOT NULL CHECK (window_seconds > 0),
            max_quantity    bigint NOT NULL CHECK (max_quantity >= 0),
            created_at      timestamptz NOT NULL DEFAULT now(),
            UNIQUE NULLS NOT DISTINCT (project_id, key_id, category, window_seconds)
        );

        -- What relays have leased of each limit in each window (see docs/ARCHITECTURE.md, Quotas).
        CREATE TABLE quota_usage (
            limit_id      bigint NOT NULL REFERENCES rate_limits(id) ON DELETE CASCADE,
            window_start  bigint NOT NULL,
            used          bigint NOT NULL,
            PRIMARY KEY (limit_id, window_start)
        );
        """),
        Migration(version: 3, name: "data-scrubbing", sql: """
        -- Server-side data scrubbing per project, read by processors. On by default.
        ALTER TABLE projects ADD COLUMN scrub_data boolean NOT NULL DEFAULT true;
        ALTER TABLE projects ADD COLUMN scrub_ip_addresses boolean NOT NULL DEFAULT false;
        ALTER TABLE projects ADD COLUMN sensitive_fields text[] NOT NULL DEFAULT '{}';
        """),
        Migration(version: 4, name: "rollups", sql: """
        -- Rollups the processor maintains in the same transaction as the events they count.
        CREATE TABLE issue_hourly (
            issue_id  bigint NOT NULL,
            hour      timestamptz NOT NULL,
            count     bigint NOT NULL,
            PRIMARY KEY (issue_id, hour)
        );
        CREATE TABLE project_hourly (
            project_id  bigint NOT NULL,
            hour        timestamptz NOT NULL,
            count       bigint NOT NULL,
            PRIMARY KEY (project_id, hour)
        );
        CREATE TABLE issue_releases (
            issue_id    bigint NOT NULL,
            release     text NOT NULL,
            first_seen  timestamptz NOT NULL,
            last_seen   timestamptz NOT NULL,
            count       bigint NOT NULL,
            PRIMARY KEY (issue_id, release)
        );
        CREATE TABLE issue_environments (
            issue_id     bigint NOT NULL,
            environment  text NOT NULL,
            first_seen   timestamptz NOT NULL,
            last_seen    timestamptz NOT NULL,
            count        bigint NOT NULL,
            PRIMARY KEY (issue_id, environment)
        );
        CREATE TABLE issue_tag_values (
            issue_id    bigint NOT NULL,
            key         text NOT NULL,
            value       text NOT NULL,
            first_seen  timestamptz NOT NULL,
            last_seen   timestamptz NOT NULL,
            count       bigint NOT NULL,
            PRIMARY KEY (issue_id, key, value)
        );

        -- Views for analysts (columns in docs/ARCHITECTURE.md).
        CREATE VIEW daily_events_by_project AS
            SELECT o.slug AS organization, p.slug AS project, date_trunc('day', h.hour) AS day, sum(h.count) AS events
            FROM project_hourly h JOIN projects p ON p.id = h.project_id JOIN organizations o ON o.id = p.organization_id
            GROUP BY 1, 2, 3;
        CREATE VIEW new_issues_per_release AS
            SELECT p.slug AS project, i.first_release AS release, count(*) AS new_issues, min(i.first_seen) AS first_seen
            FROM issues i JOIN projects p ON p.id = i.project_id
            WHERE i.first_release IS NOT NULL
            GROUP BY 1, 2;
        CREATE VIEW top_issues_by_users AS
            SELECT p.slug AS project, i.id AS issue_id, i.title, i.user_count AS users, i.times_seen AS events, i.last_seen
            FROM issues i JOIN projects p ON p.id = i.project_id
            ORDER BY i.user_count DESC, i.times_seen DESC;
        """),
        Migration(version: 5, name: "lifecycle-releases-partitions-grouping-rules", sql: """
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
        """),
        Migration(version: 6, name: "api-triage-releases-outcomes", sql: """
        -- Triage through the API. Assignees are people named by email (Faultline has no user
        -- accounts); a token may name its owner so that `assigned:me` means something.
        ALTER TABLE issues ADD COLUMN assigned_to text;
        ALTER TABLE api_tokens ADD COLUMN user_email text;
        CREATE INDEX issues_project_status_first_seen ON issues (project_id, status, first_seen DESC);
        CREATE INDEX issues_project_status_times_seen ON issues (project_id, status, times_seen DESC);
        CREATE INDEX issues_project_status_user_count ON issues (project_id, status, user_count DESC);

        -- Releases as sentry-cli manages them.
        ALTER TABLE releases ADD COLUMN status text NOT NULL DEFAULT 'open';
        ALTER TABLE releases ADD COLUMN data jsonb NOT NULL DEFAULT '{}';
        CREATE TABLE deploys (
            id             bigserial PRIMARY KEY,
            release_id     bigint NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
            environment    text NOT NULL,
            name           text,
            url            text,
            date_started   timestamptz,
            date_finished  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX deploys_release ON deploys (release_id, date_finished DESC);

        -- Outcomes (accepted, filtered, rate limited, invalid, …) per hour, aggregated by the
        -- processor from the outcomes topic; category and outcome are Sentry's numeric ids.
        CREATE TABLE outcomes_hourly (
            organization_id  bigint NOT NULL,
            project_id       bigint NOT NULL,
            key_id           bigint NOT NULL DEFAULT 0,
            hour             timestamptz NOT NULL,
            category         smallint NOT NULL,
            outcome          smallint NOT NULL,
            reason           text NOT NULL DEFAULT '',
            quantity         bigint NOT NULL,
            times_seen       bigint NOT NULL,
            PRIMARY KEY (project_id, hour, category, outcome, reason, key_id)
        );
        CREATE INDEX outcomes_hourly_organization ON outcomes_hourly (organization_id, hour);
        """),
        Migration(version: 7, name: "issue-list-indexes", sql: """
        -- Issue lists sort by (column DESC, id DESC). With id in the index the page is read in index
        -- order and the scan stops after it; without it, sorts by first_seen, times_seen and
        -- user_count under a period filter scanned and sorted every issue of the project
        -- (docs/QUERY_PLANS.md). Same names, one more key column.
        DROP INDEX issues_project_last_seen;
        CREATE INDEX issues_project_last_seen ON issues (project_id, last_seen DESC, id DESC);
        DROP INDEX issues_project_status_last_seen;
        CREATE INDEX issues_project_status_last_seen ON issues (project_id, status, last_seen DESC, id DESC);
        DROP INDEX issues_project_status_first_seen;
        CREATE INDEX issues_project_status_first_seen ON issues (project_id, status, first_seen DESC, id DESC);
        DROP INDEX issues_project_status_times_seen;
        CREATE INDEX issues_project_status_times_seen ON issues (project_id, status, times_seen DESC, id DESC);
        DROP INDEX issues_project_status_user_count;
        CREATE INDEX issues_project_status_user_count ON issues (project_id, status, user_count DESC, id DESC);

        -- Tag search (`key:value`): the issues having a tag value, without scanning every issue's
        -- tags when the value is rare.
        CREATE INDEX issue_tag_values_key_value ON issue_tag_values (key, value, issue_id);
        -- key and value are correlated (`production` only under `environment`): without these
        -- statistics the planner underestimates frequent pairs tenfold and hash-joins every
        -- issue of the project instead of probing the page's 25 in index order.
        CREATE STATISTICS issue_tag_values_key_value_stats (mcv, dependencies) ON key, value FROM issue_tag_values;
        ANALYZE issue_tag_values;
        """),
    ]
}
