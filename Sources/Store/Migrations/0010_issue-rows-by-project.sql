-- The rows that hang off an issue carry its project, so they follow the schema rule
-- (SchemaRule.swift: a NOT NULL project_id leading an index) and can be found, moved or deleted
-- per project. Filled from issues; rows whose issue is gone were unreachable (every read goes
-- through an issue) and are deleted. Writers set project_id from here on.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['issue_users', 'issue_hourly', 'issue_releases', 'issue_environments', 'issue_tag_values',
                             'issue_activities'] LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN project_id bigint', t);
        EXECUTE format('UPDATE %I t SET project_id = i.project_id FROM issues i WHERE i.id = t.issue_id', t);
        EXECUTE format('DELETE FROM %I WHERE project_id IS NULL', t);
        EXECUTE format('ALTER TABLE %I ALTER COLUMN project_id SET NOT NULL', t);
        EXECUTE format('CREATE INDEX %I ON %I (project_id, issue_id)', t || '_project', t);
    END LOOP;
END
$$;
