-- faultline:no-transaction
-- A project's DSN keys by index, so project_keys follows the schema rule (SchemaRule.swift:
-- project_id leads an index). Built concurrently: relays read project_keys all the time.
CREATE INDEX CONCURRENTLY IF NOT EXISTS project_keys_project ON project_keys (project_id);
