"""Fixtures for the security tests: a cache of their own, the permission matrix's world with a few extra
records, and a client per role (built on tests/helpers.py's client_as)."""

import uuid

import pytest

from tests import factories
from tests.helpers import client_as


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(settings):
    """Rate-limit counters, cached public pages and sessions live in the cache (Redis in CI, shared by every
    test process): give each test its own key prefix so nothing leaks in from another test or run, and remove
    its keys afterwards (the public pages' version key never expires)."""
    prefix = f"sec-{uuid.uuid4().hex}"
    settings.CACHES = {name: {**config, "KEY_PREFIX": prefix} for name, config in settings.CACHES.items()}
    yield
    forget_keys(prefix)


def forget_keys(prefix: str) -> None:
    """Delete a test's keys from a Redis cache (locmem caches go with the test)."""
    from django.core.cache import caches
    from redis.exceptions import ConnectionError as RedisConnectionError

    for alias in caches:
        get_client = getattr(getattr(caches[alias], "_cache", None), "get_client", None)
        if get_client is None:
            continue
        client = get_client(write=True)
        try:
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        except RedisConnectionError:  # a test's own Redis, stopped by the test (tests/faults/test_redis_down.py)
            continue
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Every test client comes from 127.0.0.1: lift the per-address limits except where a test sets them."""
    settings.RATE_LIMITS = {name: 1_000_000 for name in settings.RATE_LIMITS}


@pytest.fixture(scope="package")
def _world_of_the_module(django_db_setup, django_db_blocker):
    """tests/conftest.py's world, built once for all the security tests (each test runs in a savepoint of it)
    and with the tests' fast password hasher (it is built before the function-scoped settings apply): its
    users' passwords can then be checked, and building it spends no seconds on PBKDF2."""
    from django.db import transaction
    from django.test import override_settings

    from tests.access.world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        factories.restore_reference_data()  # a transactional test run before may have emptied the tables
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            world = build_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def w(world):
    """The permission matrix's world (tests/access/world.py) and what the security tests add to it: a
    document on the inspection assigned to another unit, so an inspector has another unit's file to try."""
    from supervision.models import Item, SupervisionDocument

    world.other_inspection_document = SupervisionDocument.objects.create(
        inspection=world.other_inspection,
        item=Item.values[0],
        file=factories.pdf_file("他单位考核记录.pdf"),
        kind="pdf",
        content_type="application/pdf",
        original_name="他单位考核记录.pdf",
        size=len(factories.TINY_PDF),
        uploaded_by=world.users["province"],
    )
    return world


@pytest.fixture
def as_role(w):
    """as_role(role, **client_kwargs): a fresh client signed in as the world's user of that role."""

    return lambda role, **kwargs: client_as(w.users[role], **kwargs)
