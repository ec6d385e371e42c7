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
