-- EXPLAIN (ANALYZE, BUFFERS) of the Query service's main reads on the seeded database
-- (bench/seed_query_db.sh); the trimmed results are in docs/QUERY_PLANS.md.
--   psql "postgresql://faultline@127.0.0.1:5433/faultline_seed" -f bench/explain_queries.sql
-- Parameters are inlined as the service's unnamed prepared statements get custom plans for them:
-- project `web`, `is:unresolved`, statsPeriod=24h.
\pset pager off
SELECT id AS project FROM projects WHERE slug = 'web' \gset
SELECT now() - interval '24 hours' AS since \gset

\echo '=== Q1 issue list (IssueStore.list today): is:unresolved, sort=date, 24h, first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id, i.short_id, i.title, i.culprit, i.level, i.status, i.substatus, i.platform, i.type,
       i.metadata->>'type' AS meta_type, i.metadata->>'value' AS meta_value,
       i.times_seen, i.user_count, i.first_seen, i.last_seen, i.first_release, i.last_release,
       p.id AS project_id, p.slug AS project_slug, p.name AS project_name, p.platform AS project_platform
FROM issues i JOIN projects p ON p.id = i.project_id
WHERE i.project_id = :project AND i.status = ANY('{unresolved}'::text[]) AND i.last_seen >= :'since'
ORDER BY i.last_seen DESC, i.id DESC
LIMIT 26 OFFSET 0;

\echo '=== Q1b the same, 11th page (OFFSET 250)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id, i.title, i.times_seen, i.last_seen FROM issues i JOIN projects p ON p.id = i.project_id
WHERE i.project_id = :project AND i.status = ANY('{unresolved}'::text[]) AND i.last_seen >= :'since'
ORDER BY i.last_seen DESC, i.id DESC
LIMIT 26 OFFSET 250;

\echo '=== Q1c without a period (all unresolved), sort=date'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id, i.title, i.times_seen, i.last_seen FROM issues i
WHERE i.project_id = :project AND i.status = 'unresolved'
ORDER BY i.last_seen DESC, i.id DESC LIMIT 26;

\echo '=== Q1d keyset page (what a value cursor would run): after the 250th issue'
SELECT last_seen AS k_last, id AS k_id FROM issues
WHERE project_id = :project AND status = 'unresolved' ORDER BY last_seen DESC, id DESC OFFSET 249 LIMIT 1 \gset
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id, i.title, i.times_seen, i.last_seen FROM issues i
WHERE i.project_id = :project AND i.status = 'unresolved' AND (i.last_seen, i.id) < (:'k_last', :k_id)
ORDER BY i.last_seen DESC, i.id DESC LIMIT 26;

\echo '=== Q2 sort=new / freq / user (is:unresolved, 24h)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id FROM issues i WHERE i.project_id = :project AND i.status = 'unresolved' AND i.last_seen >= :'since'
ORDER BY i.first_seen DESC, i.id DESC LIMIT 26;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id FROM issues i WHERE i.project_id = :project AND i.status = 'unresolved' AND i.last_seen >= :'since'
ORDER BY i.times_seen DESC, i.id DESC LIMIT 26;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id FROM issues i WHERE i.project_id = :project AND i.status = 'unresolved' AND i.last_seen >= :'since'
ORDER BY i.user_count DESC, i.id DESC LIMIT 26;

\echo '=== Q3 24h stats of the 25 issues of the first page (issue_hourly)'
SELECT '{' || string_agg(id::text, ',') || '}' AS ids FROM (
    SELECT id FROM issues WHERE project_id = :project AND status = 'unresolved' AND last_seen >= :'since'
    ORDER BY last_seen DESC, id DESC LIMIT 25) s \gset
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT issue_id, hour, count FROM issue_hourly
WHERE issue_id = ANY(:'ids'::bigint[]) AND hour >= date_trunc('hour', now() - interval '24 hours');

\echo '=== Q4 tag filter environment:production with the list'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id, i.title, i.last_seen FROM issues i
WHERE i.project_id = :project AND i.status = 'unresolved' AND i.last_seen >= :'since'
  AND EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = i.id AND t.key = 'environment' AND t.value = 'production')
ORDER BY i.last_seen DESC, i.id DESC LIMIT 26;

\echo '=== Q4b a rare tag value (browser:Edge 131 AND release of the oldest week)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id, i.title, i.last_seen FROM issues i
WHERE i.project_id = :project AND i.status = 'unresolved'
  AND EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = i.id AND t.key = 'release' AND t.value = 'web@1.0.0')
ORDER BY i.last_seen DESC, i.id DESC LIMIT 26;

\echo '=== Q5 event by id: event_ids, then events in that day partition'
SELECT project_id AS e_project, event_id AS e_id, timestamp AS e_ts FROM events
WHERE project_id = :project ORDER BY timestamp LIMIT 1 OFFSET 5000 \gset
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT timestamp FROM event_ids WHERE project_id = :e_project AND event_id = :'e_id';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM events WHERE project_id = :e_project AND event_id = :'e_id' AND timestamp = :'e_ts';
\echo '=== Q5b the same in one statement (join)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.* FROM event_ids x JOIN events e ON e.project_id = x.project_id AND e.event_id = x.event_id AND e.timestamp = x.timestamp
WHERE x.project_id = :e_project AND x.event_id = :'e_id';

\echo '=== Q6 latest event of an issue (hot issue, then an issue last seen 3 weeks ago)'
SELECT id AS hot FROM issues ORDER BY times_seen DESC LIMIT 1 \gset
SELECT id AS old FROM issues WHERE last_seen < now() - interval '20 days' ORDER BY last_seen LIMIT 1 \gset
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT event_id, timestamp FROM events WHERE issue_id = :hot ORDER BY timestamp DESC LIMIT 1;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT event_id, timestamp FROM events WHERE issue_id = :old ORDER BY timestamp DESC LIMIT 1;

\echo '=== Q7 organization-level list (all projects of acme), is:unresolved, sort=date'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT i.id, i.title, i.last_seen FROM issues i
WHERE i.project_id IN (SELECT id FROM projects WHERE organization_id = (SELECT id FROM organizations WHERE slug = 'acme'))
  AND i.status = 'unresolved' AND i.last_seen >= :'since'
ORDER BY i.last_seen DESC, i.id DESC LIMIT 26;

\echo '=== Q8 total hits (X-Hits) of the list'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM issues i WHERE i.project_id = :project AND i.status = 'unresolved' AND i.last_seen >= :'since';
