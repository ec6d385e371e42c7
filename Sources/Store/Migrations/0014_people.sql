-- People (issue 16): users who sign in with an email and a password, their membership of
-- organizations with one of Sentry's roles, their dashboard sessions and one-time password
-- reset links. Passwords are bcrypt hashes; session ids and reset tokens are random and stored
-- only as SHA-256 hashes, so a copy of this table signs nobody in.
CREATE TABLE users (
    id                   bigserial PRIMARY KEY,
    email                text NOT NULL,
    name                 text NOT NULL DEFAULT '',
    password_hash        text NOT NULL,
    is_active            boolean NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now(),
    password_changed_at  timestamptz NOT NULL DEFAULT now()
);
-- One account per address, whatever its case.
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE organization_members (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id),
    user_id          bigint NOT NULL REFERENCES users(id),
    role             text NOT NULL CHECK (role IN ('member', 'admin', 'manager', 'owner')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);

-- A dashboard session: valid until `expires_at` (absolute) and while used within the idle
-- timeout (`last_seen_at`, refreshed at most once a minute). Deleted at sign-out and when the
-- user's password changes.
CREATE TABLE user_sessions (
    id_hash       text PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

-- A password reset link (`faultline admin reset-password`): usable once, before `expires_at`.
CREATE TABLE password_resets (
    token_hash  text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- A personal API token belongs to a user as well as an organization: it works only while the
-- user is an active member there, with at most the scopes of their role (`AdminStore.authenticate`).
ALTER TABLE api_tokens ADD COLUMN user_id bigint REFERENCES users(id);
CREATE INDEX api_tokens_user ON api_tokens (user_id) WHERE user_id IS NOT NULL;

-- The audit log (Sentry's audit-logs endpoint): who changed membership, roles, API tokens and DSN
-- keys, and when. `actor_label` names the actor even after its user or token is gone.
CREATE TABLE audit_log_entries (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id),
    actor_user_id    bigint,
    actor_label      text NOT NULL,
    event            text NOT NULL,
    target_object    bigint,
    target_user_id   bigint,
    ip_address       text,
    data             jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entries_organization ON audit_log_entries (organization_id, id);

-- Teams (Sentry's model): members belong to teams, teams own projects.
CREATE TABLE teams (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id),
    slug             text NOT NULL,
    name             text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, slug)
);
CREATE TABLE team_members (
    team_id  bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users(id),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);
CREATE TABLE project_teams (
    project_id  bigint NOT NULL REFERENCES projects(id),
    team_id     bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, team_id)
);
CREATE INDEX project_teams_team ON project_teams (team_id);
