"""Redis unreachable (issue 19, point 4): the public register and plaque verification answer from the
database, sign-in works (sessions are cached_db), rate limits fail open (core/cache.py says why), and once
Redis is back no page cached before the outage hides a change made during it. A real redis-server process
of the test's own on a free port, stopped and started again (with its data on disk) within the test."""

import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client
from django.urls import reverse

from core import cache as degrading
from core import throttle
from public import cache as public_cache
from tests import factories
from tests.public.conftest import published_base

pytestmark = pytest.mark.django_db

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisProcess:
    def __init__(self, port: int, directory):
        self.port, self.directory, self.process = port, directory, None

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis(settings, tmp_path, monkeypatch):
    if REDIS_SERVER is None:
        pytest.fail("redis-server is not installed: the Redis outage test needs it (Debian's redis-server)")
    server = RedisProcess(free_port(), tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_REFERENCE_CACHE = True
    settings.RATE_LIMITS = {"open_data": 2, "verify": 2}
    monkeypatch.setattr(degrading, "DOWN_RETRY_SECONDS", 0)
    yield server
    if server.process.poll() is None:
        server.stop()


def test_with_redis_down_the_register_verification_and_sign_in_work_from_the_database(redis):
    base = published_base(name="福州市专业技术人员继续教育基地")
    user = factories.InstitutionUserFactory()
    assert base.name in Client().get(reverse("public:register")).content.decode()

    redis.stop()

    register = Client().get(reverse("public:register"))
    assert register.status_code == 200 and base.name in register.content.decode()
    verified = Client().get(reverse("public:verify_code", args=[base.verification_code]))
    assert verified.status_code == 200 and base.register_number in verified.content.decode()
    visitor = Client()
    signed_in = visitor.post(reverse("login"), {"username": user.username, "password": "Passw0rd-Strong"})
    assert signed_in.status_code == 302
    assert visitor.get(reverse("inbox")).status_code == 200  # the session is read back from the database


def test_rate_limits_fail_open_while_redis_is_down_and_count_again_when_it_is_back(redis):
    assert [throttle.hit("verify", "198.51.100.7")[0] for _ in range(3)] == [1, 2, 3]
    redis.stop()
    assert [throttle.hit("verify", "198.51.100.7")[0] for _ in range(3)] == [1, 1, 1]  # nobody refused
    redis.start()
    assert throttle.hit("verify", "198.51.100.7")[0] == 4  # the minute's count survived on disk


def test_a_change_made_while_redis_was_down_is_not_hidden_by_a_page_cached_before(
    redis, django_capture_on_commit_callbacks
):
    base = published_base(name="旧名称继续教育基地")
    url = reverse("public:base", args=[base.pk])
    assert "旧名称继续教育基地" in Client().get(url).content.decode()  # cached, on disk with Redis

    redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        base.name = "新名称继续教育基地"
        base.save()  # the version bump cannot reach Redis
    assert "新名称继续教育基地" in Client().get(url).content.decode()

    redis.start()  # the page from before the outage is still stored in Redis
    page = Client().get(url).content.decode()
    assert "新名称继续教育基地" in page and "旧名称继续教育基地" not in page
    assert public_cache.cache.get(public_cache.VERSION_KEY) >= 2


def test_with_the_version_watch_a_page_held_in_the_process_hides_no_change_made_while_redis_was_down(redis, settings):
    """Each process holds the pages it served and hears of a new version instead of asking (public/cache.py,
    VersionWatch): once Redis is gone the held page is no longer served, and back again, the watch bumps the
    version for a change whose own bump could not reach Redis."""
    settings.PUBLIC_VERSION_WATCH = True
    base = published_base(name="旧名称继续教育基地")
    url = reverse("public:base", args=[base.pk])

    def shown(name, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if name in Client().get(url).content.decode():
                return True
            time.sleep(0.1)
        return False

    assert shown("旧名称继续教育基地")
    key = public_cache.cache.make_key(public_cache.VERSION_KEY)
    deadline = time.monotonic() + 5
    while public_cache.watch.current(key) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert public_cache.watch.current(key) is not None, "the watch never read the version"

    redis.stop()
    base.name = "新名称继续教育基地"
    base.save()  # committed by another process, say: its version bump cannot reach Redis, nor ours
    assert shown("新名称继续教育基地"), "the page held from before the outage was still served"

    redis.start()
    assert shown("新名称继续教育基地")
    time.sleep(2 * public_cache.VersionWatch.RESYNC_SECONDS)  # the watch reads the version again meanwhile
    assert "新名称继续教育基地" in Client().get(url).content.decode()
