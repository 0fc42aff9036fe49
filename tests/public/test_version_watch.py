"""Each process hears of a new version of the public facts instead of asking Redis for it on every request
(public/cache.py, VersionWatch): a page or value held in the process is served without a round trip, and never
once the version has moved on, whichever process moved it and whether or not it said so."""

import time

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public import cache as public_cache

from .conftest import published_base

pytestmark = pytest.mark.django_db

REGISTER = reverse("public:register")


@pytest.fixture(autouse=True)
def _watch_on(settings):
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_REFERENCE_CACHE = True
    settings.PUBLIC_VERSION_WATCH = True


def heard(timeout=5.0):
    """Wait until this process's watch holds the version Redis holds now; return it."""
    key = cache.make_key(public_cache.VERSION_KEY)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = public_cache.watch.current(key)
        if version is not None and version == cache.get(public_cache.VERSION_KEY):
            return version
        time.sleep(0.02)
    raise AssertionError("the watch did not read the version in time")


def announced_by_another_process(announce=True):
    """What bump() does in another process: a new version in Redis, announced (or the announcement lost)."""
    cache.incr(public_cache.VERSION_KEY)
    if announce:
        cache.publish(public_cache.CHANGED_CHANNEL)


@pytest.fixture
def redis_reads(monkeypatch):
    """The reads this thread makes of the cache (the watch's own thread has a cache of its own)."""
    reads, this_threads = [], caches["default"]
    for name in ("get", "get_many"):
        original = getattr(this_threads, name)
        monkeypatch.setattr(
            this_threads, name, lambda *a, _read=original, _name=name, **k: reads.append(_name) or _read(*a, **k)
        )
    return reads


def names(response) -> str:
    return response.content.decode()


def test_a_page_held_here_is_served_without_asking_redis_or_the_database(redis_reads):
    published_base(name="听候学院")
    first = Client().get(REGISTER)
    heard()
    redis_reads.clear()
    with CaptureQueriesContext(connection) as ctx:
        again = Client().get(REGISTER)
    assert redis_reads == [] and ctx.captured_queries == []
    assert again.content == first.content and "听候学院" in names(again)


def test_without_the_watch_every_request_asks_redis_for_the_version(settings, redis_reads):
    settings.PUBLIC_VERSION_WATCH = False
    published_base(name="听候学院")
    Client().get(REGISTER)
    redis_reads.clear()
    assert "听候学院" in names(Client().get(REGISTER))
    assert redis_reads == ["get_many"]


def test_the_uncached_register_is_rendered_from_held_values_with_one_query_and_no_redis_read(settings, redis_reads):
    settings.PUBLIC_PAGE_CACHE = False
    published_base(name="听候学院")
    Client().get(REGISTER)
    heard()
    redis_reads.clear()
    with CaptureQueriesContext(connection) as ctx:
        page = Client().get(REGISTER)
    assert redis_reads == [] and len(ctx.captured_queries) == 1
    assert "听候学院" in names(page)


def test_a_version_another_process_announces_is_heard_and_the_page_rendered_again():
    published_base(name="听候学院")
    Client().get(REGISTER)
    before = heard()
    published_base(name="新认定学院")  # not committed here: this process bumps nothing
    assert "新认定学院" not in names(Client().get(REGISTER)), "the held page is served while the version holds"

    announced_by_another_process()
    assert heard() != before
    assert "新认定学院" in names(Client().get(REGISTER))


def test_a_version_changed_without_an_announcement_is_read_within_a_resync():
    published_base(name="听候学院")
    Client().get(REGISTER)
    before = heard()
    published_base(name="新认定学院")

    announced_by_another_process(announce=False)  # the announcement was lost (or Redis was flushed)
    assert heard(timeout=public_cache.VersionWatch.RESYNC_SECONDS + 3) != before
    assert "新认定学院" in names(Client().get(REGISTER))


def test_a_change_committed_in_this_process_is_on_the_next_request_at_once(django_capture_on_commit_callbacks):
    published_base(name="听候学院")
    Client().get(REGISTER)
    heard()
    with django_capture_on_commit_callbacks(execute=True):
        published_base(name="新认定学院")
    assert "新认定学院" in names(Client().get(REGISTER))  # no waiting for the announcement to come back
