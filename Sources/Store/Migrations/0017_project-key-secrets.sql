-- DSN keys carry a secret as Sentry's do (issue 16, import from Sentry): old SDKs still send it
-- (`sentry_secret`), sentry-cli scripts read it from the keys API, and an imported key keeps its
-- source's. It is not an authentication factor (nor is it in Sentry's relay): it only round-trips.
ALTER TABLE project_keys ADD COLUMN secret_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
