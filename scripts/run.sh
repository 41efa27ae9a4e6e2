#!/usr/bin/env bash
# Set up, migrate, load the demo consultation and serve on http://127.0.0.1:5000 (HOST, PORT and
# BASE_URL change that, WEB_WORKERS and WEB_THREADS the server: see scripts/run_env.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
export CONSULT_ENV="${CONSULT_ENV:-development}"
source "$ROOT/scripts/run_env.sh"
FLASK=".venv/bin/flask --app wsgi"
$FLASK db upgrade
# The demo comes with the participation of a consultation under way: held forums, answers, written
# submissions, comments already partly coded, and a second round of forums open for sign-up.
$FLASK consult seed-demo --with-activity
$FLASK consult suggest --consultation politique-premiere-ligne-2025
echo
echo "Serving on http://${HOST}:${PORT}  (staff sign-in: ${BASE_URL}/staff/login; links in emails: ${BASE_URL})"
exec .venv/bin/gunicorn --workers "${WEB_WORKERS}" --threads "${WEB_THREADS}" --worker-class gthread --bind "${HOST}:${PORT}" --access-logfile - wsgi:app
