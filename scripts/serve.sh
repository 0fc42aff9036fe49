#!/bin/sh
# Serve the portal for `make run`. With REDIS_URL set, a real Celery worker and beat run beside the
# web server and stop with it; without it, tasks run eagerly inside the web process.
set -eu
host="$1"; port="$2"
pids=""
if [ -n "${REDIS_URL:-}" ]; then
    celery -A config worker --loglevel=info --concurrency=2 &
    pids="$pids $!"
    celery -A config beat --loglevel=info --schedule="${CELERY_BEAT_SCHEDULE_FILE:-.celerybeat-schedule}" &
    pids="$pids $!"
    trap 'kill $pids 2>/dev/null || true' EXIT INT TERM
fi
echo "门户已启动: http://$host:$port/  (Ctrl+C 停止)"
python manage.py runserver "$host:$port"
