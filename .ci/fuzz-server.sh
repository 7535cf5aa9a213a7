# Sourced by .ci/fuzz-open311 and .ci/fuzz-api: a throwaway database with the little world of
# .ci/fuzz_world.py (keys in $WORK), and gunicorn on a free port ($PORT) until the script exits.
# DATABASE_URL=postgres://…/name runs it on PostgreSQL (the database is dropped and made anew).
# Needs NAME (for messages) and READY_PATH (a URL path that answers 200 once the server is up).
ROOT=$(pwd)
PYTHON="$ROOT/.venv/bin/python"
WORK=$(mktemp -d -t "jiedao-$NAME.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

export DJANGO_SETTINGS_MODULE=jiedao.settings
export JIEDAO_VAR_DIR="$WORK/var"
case "${DATABASE_URL:-}" in
  postgres*)
    "$PYTHON" - <<'PY'
import os
from urllib.parse import urlparse

import psycopg

url = urlparse(os.environ["DATABASE_URL"])
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{url.path[1:]}" WITH (FORCE)')
    connection.execute(f'CREATE DATABASE "{url.path[1:]}"')
PY
    ;;
  *) export DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3" ;;
esac
export MEDIA_ROOT="$WORK/media"
export DEBUG=0
export LOG_LEVEL=ERROR
export PYTHONPATH="$ROOT"
unset JIEDAO_PRODUCTION REDIS_URL S3_BUCKET || true

echo "$NAME: database ${DATABASE_URL%%:*}, files in $WORK"
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py seed_catalogue >/dev/null
"$PYTHON" manage.py seed_worktime >/dev/null
"$PYTHON" manage.py seed_open311 >/dev/null
"$PYTHON" .ci/fuzz_world.py "$WORK"

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$ROOT/.venv/bin/gunicorn" jiedao.wsgi --bind "127.0.0.1:$PORT" --workers 2 --worker-class gthread --threads 2 \
  --timeout 60 --log-level warning --error-logfile "$WORK/gunicorn.log" >>"$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if "$PYTHON" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT$READY_PATH', timeout=2)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "$NAME: the server did not start"; cat "$WORK/gunicorn.log"; exit 1
  fi
  sleep 0.2
done

# After the fuzzer: any exception the server logged fails the run, whatever the answers were.
server_logged_no_exception() {
  if grep -q "Traceback" "$WORK/gunicorn.log" 2>/dev/null; then
    echo "$NAME: the server logged an exception:"; grep -A30 "Traceback" "$WORK/gunicorn.log" | head -80
    return 1
  fi
}
