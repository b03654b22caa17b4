# Production image: gunicorn with several workers; migrations run before it starts.
# One image, three roles (scripts/docker-entrypoint.sh): web (default), release, worker.
FROM python:3.11-slim-bookworm

# pango and fonts: WeasyPrint's handouts. postgresql-client: pg_dump and pg_restore for
# `dashboard backup` and `restore` on PostgreSQL (bookworm's 15, as in deploy/compose.yaml).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 app
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY dashboard ./dashboard
COPY migrations ./migrations
COPY data ./data
COPY assets ./assets
COPY scripts/docker-entrypoint.sh ./scripts/docker-entrypoint.sh
# Editable: the app finds migrations/, data/ and assets/ beside the package, in /app.
RUN pip install --no-cache-dir -e .

ENV DASHBOARD_ENV=production \
    DASHBOARD_DATA_DIR=/app/var \
    PYTHONUNBUFFERED=1
RUN mkdir -p /app/var && chown app:app /app/var
USER app
EXPOSE 8000

# SECRET_KEY and DATABASE_URL come from the environment (production refuses a default key).
ENTRYPOINT ["sh", "scripts/docker-entrypoint.sh"]
CMD ["web"]
