#!/usr/bin/env bash
# A seeded database for the Query benchmarks: drops and recreates database `faultline_seed` on the
# private PostgreSQL (127.0.0.1:$FAULTLINE_PG_PORT, default 5433), migrates it with the release
# build, creates organization `acme`, PROJECTS projects (`web`, `api`, `proj-3`, …) with a DSN key
# each and one API token (written to .faultline/seed.env), then fills the tables directly with SQL
# (generate_series, INSERT … SELECT; not through the pipeline):
#   - EVENTS events in ISSUES issues over the last 30 days, in the day partitions of `events`
#     (`faultline_ensure_event_partition`), each with a small normalized payload (exception with
#     frames, tags, user, trace context, sdk). Skew: Zipf-like (weight rank^-1.1), so the hottest
#     issue has ~15% of the events and the tail issues a handful each; 70% of issues in `web`.
#   - issue statuses ~80% unresolved (half of them seen in the last 2 hours), 15% resolved,
#     5% ignored; levels 85% error, 10% warning, 5% fatal; 20 releases per project over the 30
#     days; environments production 70% / staging 20% / development 10%; users from a pool of
#     50,000 (10% of events without a user).
#   - `event_ids`, `issues` (times_seen, first/last seen, user_count, first/last release),
#     `issue_hashes`, `issue_users`, `issue_hourly`, `project_hourly`, `issue_releases`,
#     `issue_environments`, `issue_tag_values`, `releases`, `release_projects`: all computed with
#     GROUP BY from the inserted events, the same way `IssueRecount` recomputes them.
# then VACUUM ANALYZE, and prints the time each step took.
#   ./bench/seed_query_db.sh [EVENTS=1000000] [ISSUES=10000] [PROJECTS=2]
# The events are inserted by SEED_JOBS concurrent sessions (default: the number of cores), the
# rollups by two. Re-running starts from scratch (the database is dropped). FAULTLINE_BIN=<path> uses that binary
# instead of building the release one. Needs: the Swift toolchain and
# PostgreSQL (deploy/lib.sh starts the private cluster if nothing answers on the port).
# Database URL: postgresql://faultline@127.0.0.1:5433/faultline_seed (FAULTLINE_SEED_DB names another database).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
EVENTS="${1:-1000000}"; ISSUES="${2:-10000}"; PROJECTS="${3:-2}"
JOBS="${SEED_JOBS:-$(nproc)}"
[ "$ISSUES" -ge 1 ] && [ "$EVENTS" -ge "$ISSUES" ] && [ "$PROJECTS" -ge 1 ] \
    || die "need EVENTS >= ISSUES >= 1 and PROJECTS >= 1"
cd "$ROOT"

# The cluster may already run from another checkout (it is shared): only start one if nothing answers.
PGBIN="$(pg_bin)"
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || pg_start
SEED_DB="${FAULTLINE_SEED_DB:-faultline_seed}"  # another name keeps parallel checkouts apart
export FAULTLINE_DATABASE_URL="${FAULTLINE_SEED_DATABASE_URL:-postgresql://faultline@127.0.0.1:$PG_PORT/$SEED_DB}"
ADMIN_URL="postgresql://faultline@127.0.0.1:$PG_PORT/postgres"
psql_seed() { "$PGBIN/psql" "$FAULTLINE_DATABASE_URL" -v ON_ERROR_STOP=1 -qtA "$@"; }

t_start=$(date +%s.%N)
step_start=$t_start
step() { # name: prints how long the previous step took
    local now; now=$(date +%s.%N)
    awk -v a="$step_start" -v b="$now" -v n="$1" 'BEGIN{printf "==> %-28s %7.1f s\n", n, b - a}' >&2
    step_start=$now
}

BIN="${FAULTLINE_BIN:-}"
if [ -z "$BIN" ]; then
    log "building faultline (release)"
    swift build -c release --product faultline 2>&1 | tail -1 >&2
    BIN="$ROOT/.build/release/faultline"
fi
step "build"

"$PGBIN/psql" "$ADMIN_URL" -v ON_ERROR_STOP=1 -qtA -c "DROP DATABASE IF EXISTS $SEED_DB WITH (FORCE)" \
    -c "CREATE DATABASE $SEED_DB OWNER faultline" >/dev/null
"$BIN" migrate >/dev/null
"$BIN" admin create-org acme --name Acme >/dev/null
SLUGS=()
for i in $(seq "$PROJECTS"); do
    case $i in 1) slug=web ;; 2) slug=api ;; *) slug="proj-$i" ;; esac
    SLUGS+=("$slug")
    "$BIN" admin create-project acme "$slug" --platform python >/dev/null
    dsn="$("$BIN" admin create-key acme "$slug")"
    [ "$i" = 1 ] && FIRST_DSN="$dsn"
done
TOKEN="$("$BIN" admin create-token acme --label seed)"
mkdir -p "$STATE"
cat > "$STATE/seed.env" <<ENV
FAULTLINE_SEED_DATABASE_URL=$FAULTLINE_DATABASE_URL
FAULTLINE_DSN=$FIRST_DSN
FAULTLINE_TOKEN=$TOKEN
FAULTLINE_ORG=acme
FAULTLINE_PROJECT=web
FAULTLINE_PROJECTS="${SLUGS[*]}"
ENV
chmod 600 "$STATE/seed.env"
step "create, migrate, admin"

# One session per statement group; settings for a bulk load (this database only holds seed data).
SESSION="SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '1GB';"

log "generating $ISSUES issues and $EVENTS events in $PROJECTS projects"
psql_seed <<SQL
$SESSION
SELECT setseed(0.42);
-- The plan of each issue: project, event count (by popularity rank), time span, status, level.
CREATE UNLOGGED TABLE seed_issues AS
WITH ranked AS (
    SELECT r, power(r, -1.1) AS w FROM generate_series(1, $ISSUES) AS r
), counted AS (
    SELECT r, 1 + floor(($EVENTS - $ISSUES) * w / sum(w) OVER ())::bigint AS n FROM ranked
), exact AS ( -- the rounding remainder goes one by one to the hottest issues
    SELECT r, n + CASE WHEN r <= $EVENTS - sum(n) OVER () THEN 1 ELSE 0 END AS n FROM counted
), planned AS (
    SELECT r, n, random() AS u_project, random() AS u_status, random() AS u_active, random() AS u_level,
           random() AS u_first, random() AS u_last, random() AS u_kind
    FROM exact
)
SELECT r, n,
       CASE WHEN $PROJECTS = 1 OR u_project < 0.7 THEN 1 ELSE 2 + floor(random() * ($PROJECTS - 1))::int END AS project_no,
       CASE WHEN u_status < 0.80 THEN 'unresolved' WHEN u_status < 0.95 THEN 'resolved' ELSE 'ignored' END AS status,
       CASE WHEN u_level < 0.85 THEN 'error' WHEN u_level < 0.95 THEN 'warning' ELSE 'fatal' END AS level,
       floor(u_kind * 24)::int AS kind,
       -- hot issues have been there all month; the others started any time in the month
       CASE WHEN r <= 50 THEN now() - interval '30 days' + u_first * interval '2 days'
            ELSE now() - u_first * interval '30 days' END AS t0,
       u_active, u_last
FROM planned;
ALTER TABLE seed_issues ADD COLUMN t1 timestamptz;
-- unresolved/ignored: half are active (last event within 2 hours), the rest stopped some time ago;
-- resolved: stopped some time before now.
UPDATE seed_issues SET t1 = CASE
    WHEN status <> 'resolved' AND (u_active < 0.5 OR r <= 50) THEN now() - u_last * interval '2 hours'
    WHEN status <> 'resolved' THEN t0 + (now() - t0) * u_last
    ELSE t0 + (now() - t0) * u_last * 0.9 END;
UPDATE seed_issues SET t1 = t0 WHERE t1 < t0;

SELECT count(*) FILTER (WHERE faultline_ensure_event_partition(d::date)) || ' day partitions'
FROM generate_series((now() - interval '31 days')::date, (now() + interval '1 day')::date, interval '1 day') AS d;

-- Exception kinds: type, value, module, function, file, transaction.
CREATE TEMP TABLE kinds (kind int, type text, value text, module text, function text, file text, txn text);
INSERT INTO kinds VALUES
 (0,'KeyError','''user_id''','app.views.users','get_user','app/views/users.py','/api/users/{id}'),
 (1,'ZeroDivisionError','division by zero','app.billing.invoice','compute_ratio','app/billing/invoice.py','/api/invoices'),
 (2,'TypeError','unsupported operand type(s) for +: ''int'' and ''NoneType''','app.cart.totals','add_line','app/cart/totals.py','/api/cart'),
 (3,'ValueError','invalid literal for int() with base 10: ''abc''','app.forms.parse','parse_quantity','app/forms/parse.py','/checkout'),
 (4,'AttributeError','''NoneType'' object has no attribute ''email''','app.mail.notify','send_receipt','app/mail/notify.py','/api/orders/{id}/receipt'),
 (5,'IndexError','list index out of range','app.search.ranking','top_hit','app/search/ranking.py','/search'),
 (6,'ConnectionError','Connection refused: redis:6379','app.cache.client','get','app/cache/client.py','/api/sessions'),
 (7,'TimeoutError','timed out after 30s waiting for payment gateway','app.payments.gateway','charge','app/payments/gateway.py','/api/payments'),
 (8,'PermissionError','[Errno 13] Permission denied: ''/var/data/export.csv''','app.exports.csv','write_export','app/exports/csv.py','/api/exports'),
 (9,'OperationalError','could not serialize access due to concurrent update','app.db.session','commit','app/db/session.py','/api/orders'),
 (10,'IntegrityError','duplicate key value violates unique constraint "users_email_key"','app.accounts.signup','create_user','app/accounts/signup.py','/signup'),
 (11,'JSONDecodeError','Expecting value: line 1 column 1 (char 0)','app.integrations.webhook','parse_payload','app/integrations/webhook.py','/hooks/stripe'),
 (12,'UnicodeDecodeError','''utf-8'' codec can''t decode byte 0xff in position 0','app.uploads.reader','read_text','app/uploads/reader.py','/api/uploads'),
 (13,'RuntimeError','maximum recursion depth exceeded','app.tree.render','render_node','app/tree/render.py','/docs/{path}'),
 (14,'FileNotFoundError','[Errno 2] No such file or directory: ''templates/email.html''','app.mail.templates','load','app/mail/templates.py','/api/invites'),
 (15,'AssertionError','expected a positive amount','app.ledger.entries','post_entry','app/ledger/entries.py','/api/ledger'),
 (16,'NotImplementedError','export format xlsx','app.exports.formats','writer_for','app/exports/formats.py','/api/exports'),
 (17,'MemoryError','','app.reports.build','aggregate','app/reports/build.py','/reports/monthly'),
 (18,'SSLError','certificate verify failed: unable to get local issuer certificate','app.integrations.crm','sync','app/integrations/crm.py','/jobs/crm-sync'),
 (19,'ValidationError','1 validation error for Order: quantity must be > 0','app.orders.schema','validate','app/orders/schema.py','/api/orders'),
 (20,'Http404','No Product matches the given query.','app.catalog.views','product_detail','app/catalog/views.py','/products/{slug}'),
 (21,'ProgrammingError','relation "audit_log" does not exist','app.audit.writer','record','app/audit/writer.py','/api/audit'),
 (22,'KeyError','''currency''','app.pricing.fx','convert','app/pricing/fx.py','/api/prices'),
 (23,'OSError','[Errno 28] No space left on device','app.media.thumbnails','save_thumbnail','app/media/thumbnails.py','/api/media');

-- Issues get their ids in order of first appearance (as the processor assigns them), short ids
-- per project in the same order. Title and culprit as the grouping would make them.
CREATE UNLOGGED TABLE seed_plan AS
SELECT row_number() OVER (ORDER BY s.t0, s.r) AS id,
       s.*, p.id AS project_id, p.slug AS project_slug,
       row_number() OVER (PARTITION BY s.project_no ORDER BY s.t0, s.r) AS short_id,
       k.type, k.module, k.function, k.file, k.txn,
       -- values carry a number so that issues of one kind differ, as real ones do
       CASE WHEN k.value = '' THEN '' ELSE k.value || ' (#' || s.r || ')' END AS value,
       k.type || CASE WHEN k.value = '' THEN '' ELSE ': ' || k.value || ' (#' || s.r || ')' END AS title,
       k.module || ' in ' || k.function AS culprit,
       20 + (s.r % 400)::int AS lineno
FROM seed_issues s JOIN kinds k USING (kind)
JOIN projects p ON p.slug = CASE s.project_no WHEN 1 THEN 'web' WHEN 2 THEN 'api' ELSE 'proj-' || s.project_no END;
SQL
step "plan issues, partitions"

# Runs its arguments (SQL texts) in concurrent sessions; fails if any fails.
parallel_sql() {
    local pids=() sql pid failed=0
    for sql in "$@"; do psql_seed <<<"$sql" & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ "$failed" = 0 ] || die "a seeding statement failed"
}

log "inserting events ($JOBS sessions)"
events_sql() { # share: the issues with id % JOBS = share
cat <<SQL
$SESSION
INSERT INTO events (project_id, event_id, issue_id, timestamp, received_at, platform, level, title, release,
                    environment, trace_id, user_key, payload)
SELECT project_id, event_id, id, ts, ts + interval '40 ms', 'python', level, title, release, environment, trace_id,
       CASE WHEN user_no IS NULL THEN NULL ELSE 'id:' || user_no END,
       jsonb_build_object(
           'event_id', replace(event_id::text, '-', ''),
           'level', level, 'platform', 'python', 'logger', '',
           'timestamp', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'received', to_char((ts + interval '40 ms') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'release', release, 'environment', environment, 'server_name', server,
           'transaction', txn,
           'exception', jsonb_build_object('values', jsonb_build_array(jsonb_build_object(
               'type', type, 'value', value, 'module', NULL,
               'mechanism', jsonb_build_object('type', 'generic', 'handled', handled),
               'stacktrace', jsonb_build_object('frames', jsonb_build_array(
                   jsonb_build_object('filename', 'django/core/handlers/exception.py', 'module', 'django.core.handlers.exception',
                                      'function', 'inner', 'lineno', 55, 'in_app', false),
                   jsonb_build_object('filename', 'app/middleware.py', 'module', 'app.middleware',
                                      'function', '__call__', 'lineno', 31, 'in_app', true),
                   jsonb_build_object('filename', file, 'module', module, 'function', function,
                                      'lineno', lineno, 'in_app', true,
                                      'context_line', '    return ' || function || '(request)')))))),
           'tags', jsonb_strip_nulls(jsonb_build_object(
               'environment', environment, 'release', release, 'level', level,
               'browser', browser, 'os', os, 'server_name', server, 'transaction', txn,
               'handled', CASE WHEN handled THEN 'yes' ELSE 'no' END)),
           'user', CASE WHEN user_no IS NULL THEN NULL
                        ELSE jsonb_build_object('id', user_no::text, 'ip_address', '10.' || (user_no % 250) || '.' || (user_no / 250 % 250) || '.7') END,
           'contexts', jsonb_build_object('trace', jsonb_build_object('trace_id', trace_id, 'span_id', left(trace_id, 16))),
           'sdk', jsonb_build_object('name', 'sentry.python.django', 'version', '2.19.0'))
FROM (
    SELECT p.id, p.project_id, p.project_slug, p.level, p.title, p.type, p.value, p.module, p.function, p.file,
           p.txn, p.lineno, x.ts, x.event_id, x.trace_id,
           -- 20 releases per project over the 30 days, in time order
           p.project_slug || '@1.' || least(19, greatest(0, floor(extract(epoch FROM x.ts - (now() - interval '30 days')) / 129600)))::int || '.0' AS release,
           CASE WHEN x.u_env < 0.7 THEN 'production' WHEN x.u_env < 0.9 THEN 'staging' ELSE 'development' END AS environment,
           (ARRAY['Chrome 131','Firefox 133','Safari 18.1','Edge 131','python-requests 2.32'])[1 + floor(x.u_browser * 5)::int] AS browser,
           (ARRAY['Linux','Windows 11','macOS 15','Android 15'])[1 + floor(x.u_os * 4)::int] AS os,
           'web-' || (1 + floor(x.u_server * 8)::int) AS server,
           x.u_handled < 0.2 AS handled,
           CASE WHEN x.u_user < 0.1 THEN NULL ELSE floor(power(x.u_user2, 2) * 50000)::int END AS user_no
    FROM seed_plan p CROSS JOIN LATERAL generate_series(1, p.n) AS g,
         LATERAL (SELECT p.t0 + (p.t1 - p.t0) * CASE WHEN g = 1 THEN 0 WHEN g = 2 THEN 1 ELSE random() END AS ts,
                         gen_random_uuid() AS event_id, md5(random()::text || g) AS trace_id,
                         random() AS u_env, random() AS u_browser, random() AS u_os, random() AS u_server,
                         random() AS u_handled, random() AS u_user, random() AS u_user2 OFFSET 0) AS x
    WHERE p.id % $JOBS = $1
) e;
SQL
}
shares=(); for k in $(seq 0 $((JOBS - 1))); do shares+=("$(events_sql "$k")"); done
parallel_sql "${shares[@]}"
step "events"

log "computing the rollups from the events (2 sessions)"
# Lane 1: event_ids, issues and what they need, hashes, releases. Lane 2: the other rollups.
lane1=$(cat <<'SQL'
SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '1GB';
INSERT INTO event_ids (project_id, event_id, timestamp) SELECT project_id, event_id, timestamp FROM events;

CREATE UNLOGGED TABLE seed_counts AS
SELECT issue_id, count(*) AS n, min(timestamp) AS first, max(timestamp) AS last, count(DISTINCT user_key) AS users
FROM events GROUP BY issue_id;

INSERT INTO issue_releases (project_id, issue_id, release, first_seen, last_seen, count)
SELECT project_id, issue_id, release, min(timestamp), max(timestamp), count(*)
FROM events WHERE release IS NOT NULL AND release <> '' GROUP BY 1, 2, 3;
INSERT INTO issue_environments (project_id, issue_id, environment, first_seen, last_seen, count)
SELECT project_id, issue_id, environment, min(timestamp), max(timestamp), count(*)
FROM events WHERE environment IS NOT NULL AND environment <> '' GROUP BY 1, 2, 3;

INSERT INTO issues (id, project_id, short_id, title, culprit, level, platform, type, metadata, status, substatus,
                    first_seen, last_seen, times_seen, user_count, first_release, last_release,
                    resolved_at, ignored_at, ignore_times_seen_baseline, ignore_user_count_baseline)
SELECT p.id, p.project_id, p.short_id, p.title, p.culprit, p.level, 'python', 'error',
       jsonb_build_object('type', p.type, 'value', p.value, 'title', p.title, 'filename', p.file, 'function', p.function),
       p.status,
       CASE p.status WHEN 'resolved' THEN ''
                     WHEN 'ignored' THEN 'archived_forever'
                     ELSE CASE WHEN c.first > now() - interval '7 days' THEN 'new' ELSE 'ongoing' END END,
       c.first, c.last, c.n, c.users,
       (SELECT release FROM issue_releases r WHERE r.issue_id = p.id ORDER BY first_seen, release LIMIT 1),
       (SELECT release FROM issue_releases r WHERE r.issue_id = p.id ORDER BY last_seen DESC, release DESC LIMIT 1),
       CASE WHEN p.status = 'resolved' THEN least(now(), c.last + interval '3 hours') END,
       CASE WHEN p.status = 'ignored' THEN c.last - (c.last - c.first) / 2 END,
       CASE WHEN p.status = 'ignored' THEN c.n END,
       CASE WHEN p.status = 'ignored' THEN c.users END
FROM seed_plan p JOIN seed_counts c ON c.issue_id = p.id
ORDER BY p.id;
SELECT setval(pg_get_serial_sequence('issues', 'id'), (SELECT max(id) FROM issues)) \g /dev/null
UPDATE projects p SET next_short_id = s.max FROM (SELECT project_id, max(short_id) FROM issues GROUP BY 1) s
WHERE s.project_id = p.id;

-- One grouping hash per issue, a second one (another variant) for every tenth.
INSERT INTO issue_hashes (project_id, hash, issue_id)
SELECT project_id, md5('seed-hash-' || id), id FROM issues
UNION ALL
SELECT project_id, md5('seed-hash-system-' || id), id FROM issues WHERE id % 10 = 0;

INSERT INTO releases (organization_id, version, created_at)
SELECT p.organization_id, e.release, min(e.timestamp)
FROM events e JOIN projects p ON p.id = e.project_id
WHERE e.release IS NOT NULL AND e.release <> '' GROUP BY 1, 2 ORDER BY 3;
INSERT INTO release_projects (release_id, project_id, first_event, last_event, event_count)
SELECT r.id, s.project_id, s.first, s.last, s.n
FROM (SELECT project_id, release, min(timestamp) AS first, max(timestamp) AS last, count(*) AS n
      FROM events WHERE release IS NOT NULL AND release <> '' GROUP BY 1, 2) s
JOIN projects p ON p.id = s.project_id
JOIN releases r ON r.organization_id = p.organization_id AND r.version = s.release;

DROP TABLE seed_counts;
SQL
)
lane2=$(cat <<'SQL'
SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '1GB';
INSERT INTO issue_users (project_id, issue_id, user_key)
SELECT DISTINCT project_id, issue_id, user_key FROM events WHERE user_key IS NOT NULL;

INSERT INTO issue_hourly (project_id, issue_id, hour, count)
SELECT project_id, issue_id, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*) FROM events GROUP BY 1, 2, 3;
INSERT INTO project_hourly (project_id, hour, count)
SELECT project_id, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*) FROM events GROUP BY 1, 2;

INSERT INTO issue_tag_values (project_id, issue_id, key, value, first_seen, last_seen, count)
SELECT e.project_id, e.issue_id, t.key, t.value, min(e.timestamp), max(e.timestamp), count(*)
FROM events e, jsonb_each_text(CASE WHEN jsonb_typeof(e.payload->'tags') = 'object' THEN e.payload->'tags' ELSE '{}' END) AS t
GROUP BY 1, 2, 3, 4;

SQL
)
if [ "$JOBS" -gt 1 ]; then parallel_sql "$lane1" "$lane2"; else parallel_sql "$lane1"; parallel_sql "$lane2"; fi
psql_seed -c "DROP TABLE seed_plan, seed_issues"
step "rollups"

vacuum="SET client_min_messages = error; VACUUM ANALYZE"
parallel_sql "$vacuum events" "$vacuum event_ids, issues, issue_hashes, issue_users, issue_hourly, project_hourly,
    issue_releases, issue_environments, issue_tag_values, releases, release_projects, projects, organizations"
step "vacuum analyze"

psql_seed <<'SQL' >&2
SELECT 'events ' || count(*) FROM events;
SELECT 'issues ' || sum(n) || ' (' || string_agg(status || ' ' || n, ', ' ORDER BY n DESC) || ')'
FROM (SELECT status, count(*) AS n FROM issues GROUP BY 1) s;
SELECT 'hottest issue ' || max(times_seen) || ' events; median ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY times_seen) FROM issues;
SELECT 'rows: issue_hourly ' || (SELECT count(*) FROM issue_hourly) || ', issue_tag_values ' || (SELECT count(*) FROM issue_tag_values)
    || ', issue_users ' || (SELECT count(*) FROM issue_users) || ', releases ' || (SELECT count(*) FROM releases);
SELECT 'database size ' || pg_size_pretty(pg_database_size(current_database()));
SQL
total=$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN{print b - a}')
printf 'seeded %s events in %s issues, %s projects: %.0f s in all (token in .faultline/seed.env)\n' \
    "$EVENTS" "$ISSUES" "$PROJECTS" "$total"
