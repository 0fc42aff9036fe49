"""A request id on every log line (issue 19, point 7).

Each HTTP request gets an id: the one the proxy sent in `X-Request-ID` when it looks like one (nginx's
`$request_id`, a UUID), else a new one. It is echoed in the response's `X-Request-ID`, stamped on every
log record written while the request runs (`RequestIdFilter`, in LOGGING), and ends with one access line
on the `jxjy.request` logger: method, path (without its query string: a query may carry personal data),
status, duration, user id. A Celery task's lines carry the task's id instead.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from celery import signals

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

current: ContextVar[str] = ContextVar("request_id", default="-")
access_log = logging.getLogger("jxjy.request")


def accepted(value: str | None) -> str | None:
    """The proxy's id if it is a plain token of 8–64 characters; anything else is not trusted into the logs."""
    return value if value and _ACCEPTED.match(value) else None


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a filter on the handlers, so third-party loggers get it too)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted(request.headers.get(HEADER)) or uuid.uuid4().hex
        token = current.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            user = getattr(request, "user", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            current.reset(token)


@signals.task_prerun.connect
def _task_started(task_id=None, **kwargs):
    current.set(task_id or "-")


@signals.task_postrun.connect
def _task_finished(**kwargs):
    current.set("-")
