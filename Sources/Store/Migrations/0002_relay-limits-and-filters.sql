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
