#!/usr/bin/env bash
# Installs Bugsink (https://www.bugsink.com, PyPI `bugsink`), a self-hosted Sentry-compatible error
# tracker, in its documented single-server setup, for the side-by-side benchmark (bench/peer/compare.sh).
#
#   ./bench/peer/setup_bugsink.sh            # idempotent; re-running keeps the data and the DSN
#
# What it does (all state under .faultline/, nothing installed system-wide, nothing started):
#   1. a venv .faultline/bugsink-venv with bugsink==$BUGSINK_VERSION (default 2.6.2) from PyPI;
#   2. .faultline/bugsink/bugsink_conf.py from `bugsink-create-conf --template=singleserver`
#      (SQLite databases db.sqlite3 and snappea.sqlite3, the ingestion store and snappea's wake-up
#      directory all under .faultline/bugsink/), followed by a marked block of overrides (below);
#   3. `bugsink-manage migrate` and `migrate snappea --database=snappea` (the documented steps),
#      a superuser (admin@example.org / $BUGSINK_ADMIN_PASSWORD, default "admin"), a team `bench`
#      and a project `web` (`bugsink-manage shell -c`, as there is no management command for them);
#   4. .faultline/bugsink/bugsink.env with BUGSINK_DSN, BUGSINK_URL, BUGSINK_PROJECT_ID, BUGSINK_KEY;
#   5. a snapshot of both databases in .faultline/bugsink/pristine/ (SQLite backup API), which
#      compare.sh restores before every run so that each run starts from an empty project.
#
# How it is run (the documented single-server processes, minus systemd and the nginx/TLS proxy),
# from .faultline/bugsink/ (Bugsink finds bugsink_conf.py in the working directory):
#   gunicorn --bind=127.0.0.1:8000 --workers=5 --access-logfile - --capture-output --error-logfile - \
#            --max-requests=1000 --max-requests-jitter=100 bugsink.wsgi
#   bugsink-runsnappea            # the background worker that digests the ingested events
# (the docs: workers = 2 × cores + 1 = 5 on this 2-core machine; snappea NUM_WORKERS = 4 as templated.)
#
# Settings changed from the generated single-server configuration, and why:
#   - BASE_URL http://127.0.0.1:8000 and no proxy headers (SECURE_PROXY_SSL_HEADER, USE_X_REAL_IP,
#     secure cookies): there is no nginx/TLS in front; gunicorn is bound to 127.0.0.1 directly.
#   - the ingestion quotas MAX_EVENTS_PER{_PROJECT,}_PER_{5_MINUTES,HOUR,MONTH} (defaults 1,000 per
#     5 minutes, 5,000 per hour, 1M per month): raised to 10^9, otherwise everything beyond the 1,000th
#     event in 5 minutes is answered 429 and the benchmark would measure the quota, not the server.
#   - PHONEHOME False: the machine has no internet access.
#   - the project's retention_max_event_count (per-project setting, default 10,000): 10^9, so that
#     the stored-event count is not capped by eviction when EVENTS > 10,000.
# Installation note: bugsink 2.6.2 requires certifi>=2026.10.19, which this machine's PyPI mirror
# does not have yet; if the plain install fails, the script installs the newest certifi available
# and bugsink's other requirements explicitly, then bugsink itself with --no-deps.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib.sh"

BUGSINK_VERSION="${BUGSINK_VERSION:-2.6.2}"
BUGSINK_PORT="${BUGSINK_PORT:-8000}"
VENV="$STATE/bugsink-venv"
BS="$STATE/bugsink"
PY="$VENV/bin/python"

# 1. venv and package
if [ ! -x "$PY" ]; then
    log "creating venv $VENV"
    python3 -m venv "$VENV"
fi
if [ "$("$VENV/bin/bugsink-show-version" 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)" != "$BUGSINK_VERSION" ]; then
    log "installing bugsink==$BUGSINK_VERSION"
    pip=("$VENV/bin/pip" install -q --disable-pip-version-check)
    if ! "${pip[@]}" "bugsink==$BUGSINK_VERSION" 2>"$STATE/bugsink-pip.err"; then
        grep -q certifi "$STATE/bugsink-pip.err" || { cat "$STATE/bugsink-pip.err" >&2; die "pip install bugsink failed"; }
        log "certifi required by bugsink is not on this PyPI mirror: installing its requirements explicitly"
        tmp="$(mktemp -d)"
        "$VENV/bin/pip" download -q --disable-pip-version-check --no-deps -d "$tmp" "bugsink==$BUGSINK_VERSION"
        "$PY" - "$tmp"/bugsink-*.whl > "$tmp/reqs.txt" <<'PYEOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    for line in wheel.read(meta).decode().splitlines():
        if line.startswith("Requires-Dist: ") and "extra ==" not in line and not line[15:].startswith("certifi"):
            print(line[15:])
PYEOF
        "${pip[@]}" certifi -r "$tmp/reqs.txt"
        "${pip[@]}" --no-deps "$tmp"/bugsink-*.whl
        rm -rf "$tmp"
    fi
fi

# 2. configuration
mkdir -p "$BS"
cd "$BS"
if [ ! -f bugsink_conf.py ]; then
    log "creating $BS/bugsink_conf.py (singleserver template)"
    "$VENV/bin/bugsink-create-conf" --template=singleserver --host="127.0.0.1:$BUGSINK_PORT" --base-dir="$BS" >/dev/null
    cat >> bugsink_conf.py <<CONF

# --- Faultline side-by-side benchmark (bench/peer/setup_bugsink.sh): overrides of the template ---
# No nginx/TLS proxy in front: gunicorn is bound to 127.0.0.1 directly.
BUGSINK["BASE_URL"] = "http://127.0.0.1:$BUGSINK_PORT"
SECURE_PROXY_SSL_HEADER = None
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
USE_X_REAL_IP = False
# The default quotas (1,000 events per 5 minutes, 5,000 per hour) would answer 429 to a benchmark.
BUGSINK.update({
    "MAX_EVENTS_PER_PROJECT_PER_5_MINUTES": 10**9, "MAX_EVENTS_PER_PROJECT_PER_HOUR": 10**9,
    "MAX_EVENTS_PER_PROJECT_PER_MONTH": 10**9, "MAX_EVENTS_PER_5_MINUTES": 10**9,
    "MAX_EVENTS_PER_HOUR": 10**9, "MAX_EVENTS_PER_MONTH": 10**9,
    "PHONEHOME": False,  # no internet on this machine
})
ALLOWED_HOSTS = deduce_allowed_hosts(BUGSINK["BASE_URL"])
CONF
fi

# 3. databases, superuser, team, project (idempotent)
manage=("$VENV/bin/bugsink-manage")
"${manage[@]}" migrate -v0
"${manage[@]}" migrate snappea --database=snappea -v0
"${manage[@]}" shell -c "
import os
from django.contrib.auth import get_user_model
from teams.models import Team, TeamMembership, TeamRole
from projects.models import Project, ProjectMembership, ProjectRole
User = get_user_model()
user = User.objects.filter(username='admin@example.org').first()
if user is None:
    user = User.objects.create_superuser(username='admin@example.org', email='admin@example.org',
                                         password=os.environ.get('BUGSINK_ADMIN_PASSWORD', 'admin'))
team, _ = Team.objects.get_or_create(name='bench')
TeamMembership.objects.get_or_create(team=team, user=user, defaults={'role': TeamRole.ADMIN, 'accepted': True})
project = Project.objects.filter(slug='web').first() or Project.objects.create(team=team, name='web', slug='web')
project.retention_max_event_count = 10**9
project.save()
ProjectMembership.objects.get_or_create(project=project, user=user, defaults={'role': ProjectRole.ADMIN, 'accepted': True})
with open('bugsink.env', 'w') as f:
    f.write(f'BUGSINK_DSN={project.dsn}\nBUGSINK_URL=http://127.0.0.1:$BUGSINK_PORT\n'
            f'BUGSINK_PROJECT_ID={project.id}\nBUGSINK_KEY={project.sentry_key.hex}\n')
"

# 5. pristine copies of both databases (consistent even if a WAL is present)
mkdir -p pristine
for db in db snappea; do
    "$PY" -c "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close()" \
        "$db.sqlite3" "pristine/$db.sqlite3.tmp"
    mv "pristine/$db.sqlite3.tmp" "pristine/$db.sqlite3"
done
log "Bugsink $("$VENV/bin/bugsink-show-version" 2>/dev/null | tail -1) is set up in $BS"
cat bugsink.env
