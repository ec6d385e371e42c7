-- The rows that hang off an issue carry its project, so they follow the schema rule
-- (SchemaRule.swift: a NOT NULL project_id leading an index) and can be found, moved or deleted
-- per project. Filled from issues; rows whose issue is gone were unreachable (every read goes
-- through an issue) and are deleted. Writers set project_id from here on.
ALTER TABLE issue_users ADD COLUMN project_id bigint;
UPDATE issue_users t SET project_id = i.project_id FROM issues i WHERE i.id = t.issue_id;
DELETE FROM issue_users WHERE project_id IS NULL;
ALTER TABLE issue_users ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX issue_users_project ON issue_users (project_id, issue_id);

ALTER TABLE issue_hourly ADD COLUMN project_id bigint;
UPDATE issue_hourly t SET project_id = i.project_id FROM issues i WHERE i.id = t.issue_id;
DELETE FROM issue_hourly WHERE project_id IS NULL;
ALTER TABLE issue_hourly ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX issue_hourly_project ON issue_hourly (project_id, issue_id);

ALTER TABLE issue_releases ADD COLUMN project_id bigint;
UPDATE issue_releases t SET project_id = i.project_id FROM issues i WHERE i.id = t.issue_id;
DELETE FROM issue_releases WHERE project_id IS NULL;
ALTER TABLE issue_releases ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX issue_releases_project ON issue_releases (project_id, issue_id);

ALTER TABLE issue_environments ADD COLUMN project_id bigint;
UPDATE issue_environments t SET project_id = i.project_id FROM issues i WHERE i.id = t.issue_id;
DELETE FROM issue_environments WHERE project_id IS NULL;
ALTER TABLE issue_environments ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX issue_environments_project ON issue_environments (project_id, issue_id);

ALTER TABLE issue_tag_values ADD COLUMN project_id bigint;
UPDATE issue_tag_values t SET project_id = i.project_id FROM issues i WHERE i.id = t.issue_id;
DELETE FROM issue_tag_values WHERE project_id IS NULL;
ALTER TABLE issue_tag_values ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX issue_tag_values_project ON issue_tag_values (project_id, issue_id);

ALTER TABLE issue_activities ADD COLUMN project_id bigint;
UPDATE issue_activities t SET project_id = i.project_id FROM issues i WHERE i.id = t.issue_id;
DELETE FROM issue_activities WHERE project_id IS NULL;
ALTER TABLE issue_activities ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX issue_activities_project ON issue_activities (project_id, issue_id);
