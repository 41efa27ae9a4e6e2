# Where and how run.sh serves, sourced by it: HOST and PORT choose the address, and emailed links use the same
# one unless BASE_URL names another (the public address behind a proxy, for example).
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"
export BASE_URL="${BASE_URL:-http://${HOST}:${PORT}}"
# gunicorn's shape: two workers per core of a 2-core machine, one thread each. Threads sharing a worker
# wait for Python's global lock behind each other; separate processes do not (docs/deployment.md, "Workers").
WEB_WORKERS="${WEB_WORKERS:-4}"
WEB_THREADS="${WEB_THREADS:-1}"
