"""Fixtures every test shares: users per role, fast settings, required services, a live-server browser."""

import os
import shutil
import tempfile
import uuid

import pytest

from accounts.models import Role
from config.celery import app as celery_app

from . import factories, helpers

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def need(service: str, available: bool, why: str = "") -> None:
    """Skip when a service is missing locally; in CI (REQUIRE_SERVICES=1) a missing service is a failure."""
    if available:
        return
    message = f"{service} is not available{': ' + why if why else ''}"
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing in CI: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """One temporary folder for the whole run's uploads, never the project's media/.

    Set for the session before any fixture runs, because some fixtures build objects with files once per
    module; the private storage follows MEDIA_ROOT (jxjy_portal/uploads.py).
    """
    from django.test.utils import override_settings

    root = tmp_path_factory.mktemp("media")
    override = override_settings(MEDIA_ROOT=str(root))
    override.enable()
    yield root
    override.disable()


_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The ten city-level units (loaded by a data migration) are there for every test that uses the database.

    A transactional test (the browser's live server, row-lock tests) ends by emptying every table, and
    serialized_rollback cannot always put them back (once Playwright's event loop runs in this thread, Django
    hands out a fresh connection without the serialized data); so load them again when they are missing.
    """
    if not (request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames)):
        return
    request.getfixturevalue("_django_db_helper")  # the same database setup the test itself asks for
    factories.restore_reference_data()


PII_TEST_KEYS = {"PII_KEYS": ["dGVzdC1rZXktb2YtdGhlLWlkLW51bWJlcnMtMzIhISE="], "PII_HASH_KEY": "test-fingerprint-key"}


@pytest.fixture(scope="session", autouse=True)
def _pii_test_keys():
    """The tests' PII keys for the whole session, so worlds built once per module (before the per-test
    settings below) can seal their participants' ID numbers too."""
    from django.test import override_settings

    with override_settings(**PII_TEST_KEYS):
        yield


@pytest.fixture(autouse=True)
def _portal_test_settings(settings, media_root):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Django runs tests with DEBUG off, where production keys are required: fixed ones (core/pii.py)
    settings.PII_KEYS = PII_TEST_KEYS["PII_KEYS"]
    settings.PII_HASH_KEY = PII_TEST_KEYS["PII_HASH_KEY"]
    settings.AXES_ENABLED = False  # tests of brute-force protection switch it back on
    settings.PUBLIC_PAGE_CACHE = False  # tests of the public page cache switch it back on
    settings.PUBLIC_REFERENCE_CACHE = False  # and so do tests of the values kept between changes
    settings.PUBLIC_VERSION_WATCH = False  # every request asks Redis, but in the tests of the watch
    settings.SIGNED_IN_PAGE_CACHE = False  # tests/core/test_signed_in_page_cache.py switches it back on
    settings.MEDIA_ROOT = str(media_root)  # the private storage follows MEDIA_ROOT (jxjy_portal/uploads.py)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A cache of its own for every test (cached public pages, rate-limit counters): nothing carries over from
    # an earlier test, nor from another run sharing the Redis server.
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"} for alias, config in settings.CACHES.items()
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run in-process unless a test starts a real worker (see tests/core/test_celery_worker.py).
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _signed_in_clients_passed_the_second_step(request, monkeypatch):
    """`client.force_login(user)` (and `client.login`) mark the session as having passed the second step, as a
    code would have: the hundreds of tests of what the province and administrators do need not enrol an
    authenticator first. Only the test client is changed, not the portal: signing in through the login form still
    takes the code, and tests marked `two_factor` (tests/accounts/test_two_factor.py) get the real behaviour."""
    if request.node.get_closest_marker("two_factor"):
        return
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY

    sign_in = ClientMixin._login

    def _login(self, user, backend=None):
        sign_in(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = "tests.force_login"
        session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture
def postgres(db):
    from django.db import connection

    need("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://...")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-protocol server process (moto in server mode, from PyPI) on a free port, for the session."""
    import subprocess
    import sys
    import time
    import urllib.request

    moto = shutil.which("moto_server", path=os.path.dirname(sys.executable))
    need("the S3 server (moto_server)", moto is not None, "pip install 'moto[server]'")
    port = free_port()
    process = subprocess.Popen(
        [moto, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - our own server on the loopback
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    need("the S3 server (moto_server)", process.poll() is None, "it did not start")
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


S3_CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def s3_private_storage(endpoint: str, bucket: str) -> dict:
    """The STORAGES entry of the private files on the S3 server at `endpoint` (as config/settings.py builds it)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            **S3_CREDENTIALS,
            "location": "private",
            "default_acl": "private",
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }


@pytest.fixture
def s3_storage(s3_server, settings):
    """The private files of this test on a bucket of its own on the S3 server; yields the boto3 bucket."""
    import boto3

    bucket_name = f"jxjy-{uuid.uuid4().hex[:12]}"
    resource = boto3.resource(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
        region_name=S3_CREDENTIALS["region_name"],
    )
    bucket = resource.create_bucket(Bucket=bucket_name)
    settings.STORAGES = {**settings.STORAGES, "private": s3_private_storage(s3_server, bucket_name)}
    yield bucket
    bucket.objects.all().delete()
    bucket.delete()


# -- one user per role ------------------------------------------------------------------------------


@pytest.fixture
def province_user(db):
    return factories.UserFactory(role=Role.PROVINCE)


@pytest.fixture
def institution_user(db):
    return factories.InstitutionUserFactory()


@pytest.fixture
def other_institution_user(db):
    return factories.InstitutionUserFactory()


@pytest.fixture
def recommender_user(db):
    return factories.RecommenderUserFactory()


@pytest.fixture
def inspector_user(db):
    return factories.InspectorUserFactory()


@pytest.fixture
def client_as(db):
    """client_as(user): a fresh client signed in as that user, so several people can act side by side
    (tests/helpers.py; `client_as(user, client)` signs an existing client in instead)."""
    return helpers.client_as


# -- the permission matrix's world -----------------------------------------------------------------


@pytest.fixture(scope="module")
def _world_of_the_module(django_db_setup, django_db_blocker):
    from django.db import transaction

    from .access.world import build_world

    # Built once per module inside a transaction that is rolled back at the module's end; each test runs
    # in a savepoint of it (the `db` fixture), so what one test changes, the next does not see.
    with django_db_blocker.unblock(), transaction.atomic():
        factories.restore_reference_data()
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(db, _world_of_the_module):
    """One user per role and one record of each kind (tests/access/world.py)."""
    return _world_of_the_module


# -- the browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _chromium():
    need(
        "chromium",
        shutil.which(CHROMIUM_PATH) is not None or os.path.exists(CHROMIUM_PATH),
        f"install Debian's chromium ({CHROMIUM_PATH})",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        need("playwright", False)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the live
    # server's fixtures happen outside it, so the async-safety guard can be relaxed for tests.
    previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    user_data = tempfile.mkdtemp(prefix="jxjy-chromium-")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM_PATH,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    shutil.rmtree(user_data, ignore_errors=True)
    if previous_async_unsafe is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async_unsafe


@pytest.fixture
def page(_chromium, live_server, transactional_db, django_db_serialized_rollback):
    """A fresh browser page; `page.base_url` is the live server's address.

    The live server needs a transactional database, emptied after the test; serialized rollback keeps that
    flush from recreating content types that the next serialized test would load again.
    """
    context = _chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url)
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    artifacts = os.environ.get("BROWSER_ARTIFACTS")
    if artifacts:
        os.makedirs(artifacts, exist_ok=True)
    context.close()
