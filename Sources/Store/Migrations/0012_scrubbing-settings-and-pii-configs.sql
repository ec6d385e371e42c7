-- All of Sentry's data-scrubbing settings, per project and per organization (issue 14): the
-- defaults switch, safe fields and the advanced PII config (Sentry's `relayPiiConfig` JSON,
-- validated before it is stored; '' is none). An organization's flags require the setting of
-- all its projects; its fields are added to theirs.
ALTER TABLE projects ADD COLUMN scrub_defaults boolean NOT NULL DEFAULT true;
ALTER TABLE projects ADD COLUMN safe_fields text[] NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN pii_config text NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN require_scrub_data boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN require_scrub_defaults boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN require_scrub_ip_addresses boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN sensitive_fields text[] NOT NULL DEFAULT '{}';
ALTER TABLE organizations ADD COLUMN safe_fields text[] NOT NULL DEFAULT '{}';
ALTER TABLE organizations ADD COLUMN pii_config text NOT NULL DEFAULT '';
