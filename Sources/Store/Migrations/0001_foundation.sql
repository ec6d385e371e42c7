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
