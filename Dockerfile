# Production image for the portal: gunicorn for the web, the same image runs the Celery worker and beat
# (see docker-compose.yml and docs/deployment.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# pg_dump/pg_restore/psql (bookworm's 15, the server's major version) and gpg for scripts/backup and restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client gnupg \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
# (pyproject.toml declares no packages: `pip install .` installs the runtime dependencies only.)
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

COPY . .
# The static instances of the embedded Chinese face for decision PDFs, made once in the image.
RUN DEBUG=True SECRET_KEY=build-only python manage.py prepare_fonts

# Run as an unprivileged user. /data is the uploads volume (MEDIA_ROOT and the beat schedule); a new
# named volume mounted there takes this directory's owner.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app \
    && mkdir -p /data/media /app/staticfiles \
    && chown -R app:app /data /app/staticfiles

ENV DEBUG=False \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "-w", "3", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
