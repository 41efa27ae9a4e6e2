#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster on loopback, removed afterwards:
#   scripts/with-postgres.sh scripts/test.sh
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "Installing PostgreSQL..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DIR="$(mktemp -d /tmp/consult-pg.XXXXXX)"
chmod 755 "$DIR"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$DIR"
  pg() { su postgres -s /bin/sh -c "$*"; }
else
  pg() { sh -c "$*"; }
fi
cleanup() { pg "$BIN/pg_ctl -D $DIR/data -m fast -w stop" >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
pg "$BIN/initdb -D $DIR/data -A trust -U consult -E UTF8 --locale=C.UTF-8" >/dev/null
pg "$BIN/pg_ctl -D $DIR/data -o '-k $DIR -h 127.0.0.1 -p $PORT -c fsync=off -c synchronous_commit=off' -l $DIR/log -w start" >/dev/null
"$BIN/psql" -q "postgresql://consult@127.0.0.1:$PORT/postgres" -c "CREATE DATABASE consult_test"
export DATABASE_URL="postgresql+psycopg://consult@127.0.0.1:$PORT/consult_test"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
