-- Issue lists sort by (column DESC, id DESC). With id in the index the page is read in index
-- order and the scan stops after it; without it, sorts by first_seen, times_seen and
-- user_count under a period filter scanned and sorted every issue of the project
-- (docs/QUERY_PLANS.md). Same names, one more key column.
DROP INDEX issues_project_last_seen;
CREATE INDEX issues_project_last_seen ON issues (project_id, last_seen DESC, id DESC);
DROP INDEX issues_project_status_last_seen;
CREATE INDEX issues_project_status_last_seen ON issues (project_id, status, last_seen DESC, id DESC);
DROP INDEX issues_project_status_first_seen;
CREATE INDEX issues_project_status_first_seen ON issues (project_id, status, first_seen DESC, id DESC);
DROP INDEX issues_project_status_times_seen;
CREATE INDEX issues_project_status_times_seen ON issues (project_id, status, times_seen DESC, id DESC);
DROP INDEX issues_project_status_user_count;
CREATE INDEX issues_project_status_user_count ON issues (project_id, status, user_count DESC, id DESC);

-- Tag search (`key:value`): the issues having a tag value, without scanning every issue's
-- tags when the value is rare.
CREATE INDEX issue_tag_values_key_value ON issue_tag_values (key, value, issue_id);
-- key and value are correlated (`production` only under `environment`): without these
-- statistics the planner underestimates frequent pairs tenfold and hash-joins every
-- issue of the project instead of probing the page's 25 in index order.
CREATE STATISTICS issue_tag_values_key_value_stats (mcv, dependencies) ON key, value FROM issue_tag_values;
ANALYZE issue_tag_values;
