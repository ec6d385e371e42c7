-- Rollups the processor maintains in the same transaction as the events they count.
CREATE TABLE issue_hourly (
    issue_id  bigint NOT NULL,
    hour      timestamptz NOT NULL,
    count     bigint NOT NULL,
    PRIMARY KEY (issue_id, hour)
);
CREATE TABLE project_hourly (
    project_id  bigint NOT NULL,
    hour        timestamptz NOT NULL,
    count       bigint NOT NULL,
    PRIMARY KEY (project_id, hour)
);
CREATE TABLE issue_releases (
    issue_id    bigint NOT NULL,
    release     text NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    count       bigint NOT NULL,
    PRIMARY KEY (issue_id, release)
);
CREATE TABLE issue_environments (
    issue_id     bigint NOT NULL,
    environment  text NOT NULL,
    first_seen   timestamptz NOT NULL,
    last_seen    timestamptz NOT NULL,
    count        bigint NOT NULL,
    PRIMARY KEY (issue_id, environment)
);
CREATE TABLE issue_tag_values (
    issue_id    bigint NOT NULL,
    key         text NOT NULL,
    value       text NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    count       bigint NOT NULL,
    PRIMARY KEY (issue_id, key, value)
);

-- Views for analysts (columns in docs/ARCHITECTURE.md).
CREATE VIEW daily_events_by_project AS
    SELECT o.slug AS organization, p.slug AS project, date_trunc('day', h.hour) AS day, sum(h.count) AS events
    FROM project_hourly h JOIN projects p ON p.id = h.project_id JOIN organizations o ON o.id = p.organization_id
    GROUP BY 1, 2, 3;
CREATE VIEW new_issues_per_release AS
    SELECT p.slug AS project, i.first_release AS release, count(*) AS new_issues, min(i.first_seen) AS first_seen
    FROM issues i JOIN projects p ON p.id = i.project_id
    WHERE i.first_release IS NOT NULL
    GROUP BY 1, 2;
CREATE VIEW top_issues_by_users AS
    SELECT p.slug AS project, i.id AS issue_id, i.title, i.user_count AS users, i.times_seen AS events, i.last_seen
    FROM issues i JOIN projects p ON p.id = i.project_id
    ORDER BY i.user_count DESC, i.times_seen DESC;
