#!/usr/bin/env bash
# Set up what the tests need (test tools, Debian's chromium) and run the whole suite.
# Extra arguments go to pytest. DATABASE_URL selects PostgreSQL; SQLite otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh" test
if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "Database: ${DATABASE_URL:-SQLite (temporary files)}"
# Two processes share the tests (pytest-xdist), each with a database of its own; TEST_WORKERS=0 runs
# them in this one process.
# Tests marked with the same xdist_group (those loading the demo with its activity) run in one process,
# which loads it once and copies it for the others (tests/demo_snapshot.py).
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadgroup "$@"
