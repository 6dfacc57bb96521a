#!/usr/bin/env bash
# Stop what scripts/addok/setup.sh started (addok serve, then its redis-server), by pid file.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ADDOK_HOME="${ADDOK_HOME:-$ROOT/var/addok}"
ADDOK_REDIS_PORT="${ADDOK_REDIS_PORT:-6390}"

if [ -f "$ADDOK_HOME/addok.pid" ]; then
  kill "$(cat "$ADDOK_HOME/addok.pid")" 2>/dev/null || true
  rm -f "$ADDOK_HOME/addok.pid"
  echo "[addok] serveur arrêté"
fi
if [ -f "$ADDOK_HOME/redis.pid" ]; then
  redis-cli -h 127.0.0.1 -p "$ADDOK_REDIS_PORT" shutdown nosave >/dev/null 2>&1 \
    || kill "$(cat "$ADDOK_HOME/redis.pid")" 2>/dev/null || true
  rm -f "$ADDOK_HOME/redis.pid"
  echo "[addok] redis-server arrêté"
fi
