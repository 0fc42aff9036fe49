"""gunicorn's settings for a web node: `gunicorn -c config/gunicorn.py config.wsgi` (Dockerfile, compose, bench/).

The worker model is gthread: each process runs a pool of threads, so a slow page (a dashboard, a deep list)
occupies one thread and the probes and cheap pages go on being answered by the others. With sync workers
two dashboards in flight held both processes of a two-core node, and the load balancer's probes queued
behind them (issue 20: 32 `/healthz` timeouts right after a dashboard load at 10×).

Sizing (docs/deployment.md): one process per core (the GIL lets one thread of a process run Python at a time,
so more processes than cores only add memory), and enough threads per process that a node can hold every
request a busy hour sends it while most of them wait on PostgreSQL or Redis. Every thread keeps its own database
connection for CONN_MAX_AGE, so a node opens at most WEB_WORKERS × WEB_THREADS connections: size PostgreSQL's
max_connections (or PgBouncer) for that times the number of nodes, plus the Celery workers.
"""

import multiprocessing
import os
import sys

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", "16"))
# No request may hold a thread for long (exports above the threshold run in Celery): 30 s is a fault, not a load.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, so the workers of a node do not restart together).
# A worker is replaced after this many requests (with up to 10 % jitter), so a slow leak cannot grow for ever.
# Starting one imports the whole portal, seconds of CPU: at 5,000 a node serving a thousand cached or static
# responses a second replaced both its workers every few seconds, and spent much of its CPU starting them.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def post_fork(server, worker):
    # Threads that wait on the database release the GIL; those rendering templates hand it over every
    # switch interval. A shorter interval than Python's 5 ms lets a cheap request (a probe) in between the
    # slices of a long render sooner.
    sys.setswitchinterval(float(os.environ.get("WEB_SWITCH_INTERVAL", "0.001")))
