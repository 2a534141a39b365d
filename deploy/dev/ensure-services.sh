#!/usr/bin/env bash
# Make sure the Redis and PostgreSQL the tests use are running; start them when their
# programs are installed, otherwise say what to install. Used by `make test` and `.ci/run`.
set -euo pipefail
redis_url=${NEUVO_TEST_REDIS_URL:-redis://127.0.0.1:6379}
pg_url=${NEUVO_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}

redis_up() { redis-cli -u "$redis_url" ping 2>/dev/null | grep -q PONG; }
pg_up() { pg_isready -d "$pg_url" -t 2 >/dev/null 2>&1; }

if ! command -v redis-cli >/dev/null || ! command -v redis-server >/dev/null; then
  echo "Redis is not installed. Install it (Debian: apt-get install redis-server) or point" >&2
  echo "NEUVO_TEST_REDIS_URL at a running Redis." >&2
  exit 1
fi
if ! redis_up; then
  echo "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 50); do redis_up && break; sleep 0.1; done
fi
redis_up || { echo "Redis at $redis_url does not answer" >&2; exit 1; }

if ! command -v pg_isready >/dev/null; then
  echo "PostgreSQL is not installed. Install it (Debian: apt-get install postgresql) or point" >&2
  echo "NEUVO_TEST_POSTGRES_URL at a running server." >&2
  exit 1
fi
if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 100); do pg_up && break; sleep 0.1; done
  else
    echo "PostgreSQL is not running and no local cluster was found (apt-get install postgresql)" >&2
    exit 1
  fi
fi
pg_up || { echo "PostgreSQL at $pg_url does not answer" >&2; exit 1; }
echo "Redis and PostgreSQL are up"
