"""Probes for load balancers and orchestrators (issue 19, point 5).

- `/livez` (and `/healthz`, its older name): the process is up and answers; it touches nothing else, so a
  database outage does not get every web node restarted.
- `/readyz`: this node can serve: the database answers, every migration of the code is applied, Redis
  answers (when configured) and the private file storage is reachable and writable. 503 otherwise, naming
  what failed ("database", "migrations", "redis", "storage") and nothing more; the cause goes to the log.

`ProbeMiddleware` stands first in MIDDLEWARE and answers these paths itself, before the host check
(ALLOWED_HOSTS) and the HTTPS redirect: a load balancer calls a node by its IP over plain HTTP.
"""

import logging
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

logger = logging.getLogger(__name__)

_migrated = False  # once every migration is applied it stays so for the life of this process's code


def database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def migrations() -> None:
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrated = True


def redis() -> None:
    if not settings.REDIS_URL:
        return
    import redis as client

    client.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()


def storage() -> None:
    store = storages["private"]
    if isinstance(store, FileSystemStorage):  # local files: the directory must be there and writable
        os.makedirs(store.location, exist_ok=True)
        if not os.access(store.location, os.W_OK):
            raise PermissionError(f"{store.location} is not writable")
    else:  # object storage: one request that needs the bucket and the credentials
        store.exists("readyz")


CHECKS = {"database": database, "migrations": migrations, "redis": redis, "storage": storage}


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    # answered before the security middleware: the same protections, for a page that needs nothing
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'none'; object-src 'none'; frame-ancestors 'none'"
    )
    return response


def live(request) -> HttpResponse:
    return _plain("ok\n")


def ready(request) -> HttpResponse:
    failed = []
    for name, check in CHECKS.items():
        if name == "migrations" and "database" in failed:
            continue
        try:
            check()
        except Exception:
            logger.warning("readiness check %s failed", name, exc_info=True)
            failed.append(name)
    if failed:
        return _plain(f"not ready: {', '.join(failed)}\n", status=503)
    return _plain("ready\n")


PATHS = {"/livez": live, "/healthz": live, "/readyz": ready}


class ProbeMiddleware:
    """Answer the probes before any host check or HTTPS redirect (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PATHS.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
