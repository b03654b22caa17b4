#!/bin/sh
# The image's one entry point, by role (deploy/compose.yaml runs each):
#   web (default)  migrate and load the catalogue (unless MIGRATE_ON_START=0), then gunicorn
#   release        migrate and load the catalogue, then exit (the compose file's release step)
#   worker         the Celery worker for background work (needs REDIS_URL); with
#                  WORKER_BEAT=1 (one worker only) it also starts the hourly reminder run
# Migrating on start is safe with several replicas: `dashboard migrate` holds a PostgreSQL
# advisory lock, so one migrates and the others wait and find nothing to do.
# Threads in each worker: a quick request is not queued behind a handout being laid out
# (under 50 simulated users, p95 of the quick interactions 560-1100 ms -> 75-140 ms).
# Keep-alive longer than the proxy's (deploy/Caddyfile): the proxy closes an idle
# connection first. With gunicorn's 2 s, a request the proxy sends on a connection just
# as gunicorn closes it gets no answer: a saved form lost with a 502 (a POST is not
# retried). Idle connections wait in the worker's poller, not on a thread.
set -eu
role="${1:-web}"
case "$role" in
  release)
    dashboard migrate
    dashboard load-catalogue
    ;;
  worker)
    if [ "${WORKER_BEAT:-0}" = "1" ]; then
      exec dashboard worker --concurrency "${WORKER_CONCURRENCY:-2}" --beat
    fi
    exec dashboard worker --concurrency "${WORKER_CONCURRENCY:-2}"
    ;;
  web)
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      dashboard migrate
      dashboard load-catalogue
    fi
    exec gunicorn dashboard.wsgi:server \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-4}" \
      --threads "${GUNICORN_THREADS:-4}" \
      --timeout 60 \
      --keep-alive "${GUNICORN_KEEPALIVE:-75}" \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
      --access-logfile -
    ;;
  *)
    exec "$@"
    ;;
esac
