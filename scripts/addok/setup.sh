#!/usr/bin/env bash
# A local addok geocoder (the BAN's engine) for tests, CI and benchmarks, on loopback only:
#   1. its own virtualenv ($ADDOK_VENV, default var/addok-venv) with addok + CSV/French plugins;
#   2. Debian's redis-server, daemonized, on 127.0.0.1:$ADDOK_REDIS_PORT (default 6390),
#      its files under $ADDOK_HOME (default var/addok);
#   3. the Nord geocoder-tester addresses converted (build_index.py) and indexed
#      (`addok batch` + `addok ngrams`), skipped when the same file is already indexed;
#   4. `addok serve` on 127.0.0.1:$ADDOK_PORT (default 7878) in the background (pid file),
#      waited for until /search/ answers.
# Idempotent: each step is skipped when already done. Stop everything with scripts/addok/stop.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ADDOK_VENV="${ADDOK_VENV:-$ROOT/var/addok-venv}"
ADDOK_HOME="${ADDOK_HOME:-$ROOT/var/addok}"
ADDOK_PORT="${ADDOK_PORT:-7878}"
ADDOK_REDIS_PORT="${ADDOK_REDIS_PORT:-6390}"
DATA_DIR="${QUARTIERS_DATA_DIR:-$ROOT/../shared/data}"
PYTHON="${PYTHON:-python3}"

export ADDOK_CONFIG_MODULE="$HERE/addok.conf"
export ADDOK_REDIS_HOST=127.0.0.1 ADDOK_REDIS_PORT ADDOK_LOG_DIR="$ADDOK_HOME"
mkdir -p "$ADDOK_HOME/redis"

log() { echo "[addok] $*"; }
redis() { redis-cli -h 127.0.0.1 -p "$ADDOK_REDIS_PORT" "$@"; }
# Does /search/ answer? (the virtualenv's Python: no curl needed)
answers() {
  "$ADDOK_VENV/bin/python" -c 'import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=5).read()' \
    "http://127.0.0.1:$ADDOK_PORT/search/?q=lille&limit=1" >/dev/null 2>&1
}

# --- 1. virtualenv --------------------------------------------------------------------------
stamp="$ADDOK_VENV/.requirements.sha256"
wanted="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$ADDOK_VENV/bin/addok" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  log "installation d'addok dans $ADDOK_VENV…"
  start=$SECONDS
  [ -x "$ADDOK_VENV/bin/python" ] || "$PYTHON" -m venv "$ADDOK_VENV"
  "$ADDOK_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
  echo "$wanted" >"$stamp"
  log "installé en $((SECONDS - start)) s"
fi

# --- 2. redis ---------------------------------------------------------------------------------
command -v redis-server >/dev/null || { echo "redis-server introuvable (paquet Debian redis-server)." >&2; exit 1; }
if ! redis ping 2>/dev/null | grep -q PONG; then
  log "démarrage de redis-server sur 127.0.0.1:$ADDOK_REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$ADDOK_REDIS_PORT" --daemonize yes \
    --dir "$ADDOK_HOME/redis" --pidfile "$ADDOK_HOME/redis.pid" \
    --logfile "$ADDOK_HOME/redis.log" --save "" --appendonly no
  for _ in $(seq 100); do
    redis ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis ping | grep -q PONG
fi

# --- 3. index ---------------------------------------------------------------------------------
"$ADDOK_VENV/bin/python" "$HERE/build_index.py" "$DATA_DIR" "$ADDOK_HOME/nord.ndjson"
index_hash="$(cat "$ADDOK_HOME/nord.ndjson" "$HERE/addok.conf" "$HERE/requirements.txt" | sha256sum | cut -d' ' -f1)"
# The hash of what is indexed lives in redis db 2 (addok uses db 0 and 1).
if [ "$(redis -n 2 get quartiers:index 2>/dev/null)" != "$index_hash" ]; then
  log "indexation de $ADDOK_HOME/nord.ndjson…"
  start=$SECONDS
  "$ADDOK_VENV/bin/addok" reset --force >/dev/null
  "$ADDOK_VENV/bin/addok" batch "$ADDOK_HOME/nord.ndjson" >"$ADDOK_HOME/batch.log" 2>&1
  "$ADDOK_VENV/bin/addok" ngrams >>"$ADDOK_HOME/batch.log" 2>&1
  redis -n 2 set quartiers:index "$index_hash" >/dev/null
  log "indexé en $((SECONDS - start)) s"
fi

# --- 4. server --------------------------------------------------------------------------------
if answers; then
  log "addok répond déjà sur http://127.0.0.1:$ADDOK_PORT"
  exit 0
fi
if [ -f "$ADDOK_HOME/addok.pid" ] && kill -0 "$(cat "$ADDOK_HOME/addok.pid")" 2>/dev/null; then
  kill "$(cat "$ADDOK_HOME/addok.pid")" 2>/dev/null || true
fi
log "démarrage de addok serve sur 127.0.0.1:$ADDOK_PORT"
nohup "$ADDOK_VENV/bin/addok" serve --host 127.0.0.1 --port "$ADDOK_PORT" \
  >"$ADDOK_HOME/serve.log" 2>&1 </dev/null &
echo $! >"$ADDOK_HOME/addok.pid"
for _ in $(seq 150); do
  if answers; then
    log "addok répond sur http://127.0.0.1:$ADDOK_PORT"
    exit 0
  fi
  kill -0 "$(cat "$ADDOK_HOME/addok.pid")" 2>/dev/null || break
  sleep 0.2
done
echo "addok ne répond pas ; journal :" >&2
tail -n 30 "$ADDOK_HOME/serve.log" >&2
exit 1
