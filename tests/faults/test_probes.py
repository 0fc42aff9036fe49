"""Probes a load balancer can call (issue 19, point 5): liveness says the process is up; readiness checks the
database, the migrations, Redis and the file storage and answers 503 naming what failed, nothing more; both
answer by IP over plain HTTP under production settings (no host check, no HTTPS redirect)."""

import pytest
from django.test import Client, override_settings

from core import probes

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["jxjy.fujian.gov.cn"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


@override_settings(**PRODUCTION)
def test_a_load_balancer_probes_a_node_by_ip_over_plain_http():
    by_ip = Client(HTTP_HOST="10.20.0.11:8000")
    for path in ("/livez", "/healthz"):
        response = by_ip.get(path)
        assert (response.status_code, response.content) == (200, b"ok\n")
    ready = by_ip.get("/readyz")
    assert (ready.status_code, ready.content) == (200, b"ready\n")
    assert ready["Cache-Control"] == "no-store"
    # every other page still refuses the unknown host and redirects to HTTPS
    assert by_ip.get("/public/bases/").status_code == 400
    assert Client(HTTP_HOST="jxjy.fujian.gov.cn").get("/public/bases/").status_code == 301


def test_readiness_names_what_failed_and_nothing_more(monkeypatch, caplog):
    def refused():
        raise ConnectionRefusedError("connect to 10.20.0.31:6379 refused (password hunter2)")

    monkeypatch.setitem(probes.CHECKS, "redis", refused)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: redis\n"
    assert "10.20.0.31" in caplog.text  # the cause is in the log, not in the answer


def test_readiness_fails_with_a_migration_missing(monkeypatch):
    monkeypatch.setattr(probes, "_migrated", False)

    class Executor:
        def __init__(self, connection):
            self.loader = type("Loader", (), {"graph": type("Graph", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return [("bases", "0099_from_the_next_release")]

    monkeypatch.setattr(probes, "MigrationExecutor", Executor)
    response = Client().get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready: migrations\n")


def test_readiness_fails_when_the_upload_directory_cannot_be_made(settings, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    (media / "private").write_text("a file where the upload directory should be")
    settings.MEDIA_ROOT = str(media)
    response = Client().get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready: storage\n")


def test_liveness_touches_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Client().get("/livez").status_code == 200
