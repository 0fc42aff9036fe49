#!/bin/sh
# Serve the portal for `make run`. With REDIS_URL set, a real Celery worker and beat run beside the
# web server and stop with it; without it, tasks run eagerly inside the web process.
set -eu
host="$1"; port="$2"
pids=""
if [ -n "${REDIS_URL:-}" ]; then
    celery -A config worker --loglevel=info --concurrency=2 --queues=celery,exports &
    pids="$pids $!"
    celery -A config beat --loglevel=info --schedule="${CELERY_BEAT_SCHEDULE_FILE:-.celerybeat-schedule}" &
    pids="$pids $!"
    trap 'kill $pids 2>/dev/null || true' EXIT INT TERM
fi
echo ""
echo "  门户地址      http://$host:$port/"
echo "  演示账户      见上方列表（密码均为 Demo12345678）"
case "${EMAIL_BACKEND:-}" in
    *filebased*) echo "  通知邮件      写入 ${EMAIL_FILE_PATH:-var/mail}/（未真正发送）" ;;
    *console*|"") echo "  通知邮件      打印在本终端（未真正发送）" ;;
    *) echo "  通知邮件      经 ${EMAIL_HOST:-localhost} 发送" ;;
esac
if [ -n "${REDIS_URL:-}" ]; then echo "  后台任务      Celery worker 与 beat（${REDIS_URL}）"; else echo "  后台任务      在网站进程内即时执行"; fi
echo "  停止          Ctrl+C"
echo ""
python manage.py runserver "$host:$port"
