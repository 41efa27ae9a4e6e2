#!/usr/bin/env bash
# Creates .venv, installs the project (with test tools when asked) and compiles the
# translation catalogues. Sourced by run.sh and test.sh; safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"
PYTHON="${PYTHON:-python3}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Please run as root or install sudo to add: $*" >&2; return 1; fi
}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x "$ROOT/.venv/bin/python" ]; then
  if ! "$PYTHON" -m venv "$ROOT/.venv" 2>/dev/null; then
    rm -rf "$ROOT/.venv"
    as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv
    "$PYTHON" -m venv "$ROOT/.venv"
  fi
fi
VENV="$ROOT/.venv/bin"
# Reinstall only when the dependencies changed.
STAMP="$ROOT/.venv/.installed-$(cat "$ROOT/pyproject.toml" | sha1sum | cut -c1-12)${EXTRAS:+-$EXTRAS}"
# The pip that comes with Python 3.11 installs in editable mode already: no upgrade fetched first.
if [ ! -e "$STAMP" ]; then
  "$VENV/pip" install --quiet --disable-pip-version-check -e "$ROOT${EXTRAS:+[$EXTRAS]}"
  touch "$STAMP"
fi
# Compiled again only where a catalogue changed since (installing compiles them too, and test.sh sources
# this file once per database).
for po in "$ROOT"/translations/*/LC_MESSAGES/*.po; do
  if [ ! -e "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then
    "$VENV/pybabel" compile -d "$ROOT/translations" >/dev/null
    break
  fi
done
