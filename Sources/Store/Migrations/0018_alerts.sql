-- Alerts (issue 18): issue alert rules in Sentry's model, the per-project WebHooks plugin,
-- internal integrations (Sentry apps), and the outbox notifications are delivered from.

-- An issue alert rule; `definition` is `RuleCodec.encode` of the rule (conditions, filters,
-- actions, matches, frequency, environment). Evaluated by the processor in the batch that
-- changes an issue.
CREATE TABLE alert_rules (
    id             bigserial PRIMARY KEY,
    project_id     bigint NOT NULL REFERENCES projects(id),
    name           text NOT NULL,
    definition     jsonb NOT NULL,
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    -- A mute of the whole rule (Sentry's snooze for everyone): no firing before this time.
    snoozed_until  timestamptz,
    created_by     bigint REFERENCES users(id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_project ON alert_rules (project_id) WHERE status = 'active';

-- When a rule last fired for an issue (its frequency limit), and a mute of the rule for that
-- issue. Claimed in the batch's transaction.
CREATE TABLE alert_rule_issues (
    project_id     bigint NOT NULL REFERENCES projects(id),
    rule_id        bigint NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    issue_id       bigint NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    last_fired_at  timestamptz,
    muted_until    timestamptz,
    PRIMARY KEY (project_id, rule_id, issue_id)
);
CREATE INDEX alert_rule_issues_issue ON alert_rule_issues (issue_id);

-- Sentry's legacy per-project plugins; only `webhooks` (config {"urls": [...]}) is served.
CREATE TABLE project_plugins (
    project_id  bigint NOT NULL REFERENCES projects(id),
    plugin      text NOT NULL,
    enabled     boolean NOT NULL DEFAULT true,
    config      jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (project_id, plugin)
);

-- An internal integration (Sentry app) of an organization, installed on creation: the webhook
-- its events go to, the resources it subscribes to, and the secret the requests are signed with.
CREATE TABLE sentry_apps (
    id                 bigserial PRIMARY KEY,
    organization_id    bigint NOT NULL REFERENCES organizations(id),
    slug               text NOT NULL,
    name               text NOT NULL,
    webhook_url        text NOT NULL,
    events             text[] NOT NULL DEFAULT '{}',
    client_secret      text NOT NULL,
    installation_uuid  uuid NOT NULL UNIQUE,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, slug)
);

-- One notification to deliver (`OutboxRepository` owns it). Written in the transaction that
-- decided it (the processor's batch), so a batch read again after a crash writes none twice;
-- delivered by the one deliverer holding the partition's advisory lock; retried with backoff
-- until sent or dead. Receivers drop duplicates by `idempotency_key`.
CREATE TABLE alert_outbox (
    id               bigserial PRIMARY KEY,
    partition        integer NOT NULL,
    idempotency_key  uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    project_id       bigint NOT NULL REFERENCES projects(id),
    issue_id         bigint,
    rule_id          bigint,
    -- webhooks, sentry_app, chat.
    channel          text NOT NULL,
    -- The URL, or the installation uuid of a Sentry app.
    target           text NOT NULL,
    format           text NOT NULL DEFAULT '',
    -- `AlertSubject.json`: rendered per channel at delivery.
    subject          jsonb NOT NULL,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX alert_outbox_due ON alert_outbox (partition, next_attempt_at) WHERE state = 'pending';
CREATE INDEX alert_outbox_project ON alert_outbox (project_id, id DESC);
