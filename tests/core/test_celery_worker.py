"""The scheduled jobs really run on a Celery worker: a reminder task sent through the Redis broker of
REDIS_URL is picked up by a real worker process, which writes the base's inbox message into the (test)
database. Needs PostgreSQL and Redis; skipped locally without them, a failure in CI (REQUIRE_SERVICES=1)."""

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core.models import Notification
from core.tasks import run_job
from tests import factories
from tests.conftest import need

PROJECT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 30


def test_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name>), for the worker."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def start_worker(queue: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": settings.REDIS_URL,
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--concurrency=1", "-l", "info", "-Q", queue,
        "-n", f"{queue}@%h",  # its own node name: no clash with other workers on the broker
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()  # warm shutdown
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def clean_broker(queue: str, root_id: str) -> None:
    """Remove what this test left on the shared Redis: its queue's bindings, and the e-mail task the
    worker queued on the default queue after writing the notification (it belongs to the test database)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}", queue)
    default = celery_app.conf.task_default_queue
    for key in [default, *client.keys(f"{default}\x06\x16*")]:
        for raw in client.lrange(key, 0, -1):
            try:
                headers = json.loads(raw).get("headers", {})
            except (ValueError, AttributeError):
                continue
            if headers.get("root_id") == root_id:
                client.lrem(key, 1, raw)


@pytest.mark.celery_worker
# Committed rows, so the worker sees them; serialized_rollback like every transactional test here, so the flush
# at its end does not recreate content types under new ids that the next serialized test then collides with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_reminder_task_and_writes_the_bases_inbox_message(tmp_path):
    need("Redis", bool(settings.REDIS_URL), "set REDIS_URL=redis://...")
    need("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://... (the worker shares it)")
    assert celery_app.conf.broker_url.startswith("redis"), celery_app.conf.broker_url

    # A base owing its 2026 filing, with its institution's one account; committed, so the worker sees it.
    institution = factories.InstitutionFactory()
    staff = factories.InstitutionUserFactory(institution=institution)
    application = factories.ApplicationFactory(institution=institution, created_by=staff, state="approved")
    base = factories.BaseFactory(application=application, recognised_on=date(2025, 7, 1), year=2025)
    key = f"filing-reminder:{base.pk}:2026:1201"

    queue = f"jxjy-test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = start_worker(queue, log)
    result = None
    try:
        result = run_job.apply_async(args=["annual-filing-reminders"], kwargs={"on": "2026-12-01"}, queue=queue)
        deadline = time.monotonic() + WAIT_SECONDS
        note = None
        while time.monotonic() < deadline:
            note = Notification.objects.filter(recipient=staff, dedupe_key=key).first()
            if note is not None or worker.poll() is not None:
                break
            time.sleep(0.25)
        output = log.read_text(errors="replace")
        assert worker.poll() is None, f"the worker exited ({worker.returncode}):\n{output[-4000:]}"
        assert note is not None, f"no reminder after {WAIT_SECONDS}s; worker log:\n{output[-4000:]}"
        assert note.title == "请于2026年12月31日前报送2026年度报告和2027年度计划"
        assert base.name in note.body
        assert Notification.objects.count() == 1
        # It was the worker that ran it (not an eager call in this process): its log says so, once the
        # task has returned, just after the row was committed.
        done = f"Task core.tasks.run_job[{result.id}] succeeded"
        while done not in output and time.monotonic() < deadline + 5:
            time.sleep(0.1)
            output = log.read_text(errors="replace")
        assert done in output, output[-4000:]
    finally:
        celery_app.conf.task_always_eager = eager
        stop_worker(worker)
        if result is not None:
            clean_broker(queue, result.id)
