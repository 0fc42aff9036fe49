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

# Dependencies first, exactly as uv.lock pins them (hashes checked), so code changes do not reinstall them.
# The same lock `make run` and `make test` install from; uv itself from PyPI, at the Makefile's version.
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/opt/venv/bin:$PATH
COPY pyproject.toml uv.lock ./
RUN pip install "uv==0.13.9" && uv sync --locked --no-dev --no-install-project && pip uninstall -y uv

COPY . .
# The static instances of the embedded Chinese face for decision PDFs, and the static files (each web
# replica serves its own copy through whitenoise), made once in the image.
RUN DEBUG=True SECRET_KEY=build-only python manage.py prepare_fonts \
    && DEBUG=False SECRET_KEY=build-only STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v 0

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
# The portal writes its own access line per request (jxjy.request, JSON, with the request id).
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
