#!/bin/sh
# Apply migrations and load the catalogue, then start gunicorn with several workers.
set -eu
dashboard migrate
dashboard load-catalogue
exec gunicorn dashboard.wsgi:server \
  --bind 0.0.0.0:8000 \
  --workers "${WEB_CONCURRENCY:-4}" \
  --timeout 60 \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
  --access-logfile -
