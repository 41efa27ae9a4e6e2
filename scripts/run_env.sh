# Where run.sh serves, sourced by it: HOST and PORT choose the address, and emailed links use the same
# one unless BASE_URL names another (the public address behind a proxy, for example).
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"
export BASE_URL="${BASE_URL:-http://${HOST}:${PORT}}"
