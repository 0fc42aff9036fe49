"""PostgreSQL restarted (or failed over) under a running web worker (issue 19, point 4): the worker keeps its
connection between requests (CONN_MAX_AGE), so without a health check the first request after the restart
fails; with CONN_HEALTH_CHECKS the request reconnects and succeeds. The restart is the server ending the
worker's session (pg_terminate_backend), which is what the worker sees of a restart; the requests go through
Django's real WSGI handler, whose request_started signal runs the connection check as in production."""

import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def kept_connection():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL restart needs PostgreSQL (CI runs it)")
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.settings_dict["CONN_MAX_AGE"] = 60
    yield connection.settings_dict
    connection.settings_dict.update(saved)
    connection.close()


def request(path: str) -> int:
    statuses = []
    environ = RequestFactory().get(path).environ
    body = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    body.close()  # request_finished: the connection is kept (CONN_MAX_AGE), as in a worker
    return int(statuses[0].split()[0])


def restart_postgres_for(pid: int) -> None:
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):  # the backend ends a moment after it is told to
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.05)
        raise AssertionError("the backend did not end")


def kept_pid(settings_dict, *, health_checks: bool) -> int:
    settings_dict["CONN_HEALTH_CHECKS"] = health_checks
    connection.close()  # the next connection is opened with these settings
    assert request("/public/bases/") == 200
    assert connection.connection is not None, "the worker did not keep its connection"
    return connection.connection.info.backend_pid


def test_with_health_checks_the_first_request_after_a_restart_reconnects(kept_connection):
    before = kept_pid(kept_connection, health_checks=True)
    restart_postgres_for(before)

    assert request("/public/bases/") == 200
    assert connection.connection.info.backend_pid != before


def test_without_health_checks_that_request_would_have_failed(kept_connection):
    restart_postgres_for(kept_pid(kept_connection, health_checks=False))

    assert request("/public/bases/") == 500
    assert request("/public/bases/") == 200  # Django drops the broken connection after the error
