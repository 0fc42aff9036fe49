"""Signed-in pages served again while the database has not changed (core/pagecache.py, issue 20).

These tests run outside a transaction, as requests do in production: inside one (the other tests) the snapshot
does not move with the test's own writes, so nothing is kept there.

Transaction ids are counted per PostgreSQL server: another test process writing to its own database moves the
snapshot too (a page is then rendered again, never wrongly served). So the tests of what is served again hold the
snapshot still (`still`) and move it themselves; the tests of what a write does use the real one, which a write
always moves.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from core import pagecache
from tests import factories
from tests.helpers import client_as

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.SIGNED_IN_PAGE_CACHE = True


@pytest.fixture
def still(monkeypatch):
    """The snapshot held still, as on a server where nothing else writes; `still.move()` stands for a write."""

    class Still:
        number = 1

        def move(self):
            self.number += 1

    held = Still()
    monkeypatch.setattr(pagecache, "snapshot", lambda: None if connection.in_atomic_block else f"still-{held.number}")
    return held


def load(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def signed_in(user):
    """A client signed in as `user` whose browser holds its CSRF cookie, as after the sign-in page."""
    client = client_as(user)
    client.get("/accounts/login/")
    assert "csrftoken" in client.cookies
    return client


@pytest.fixture
def province():
    user = factories.UserFactory(role=Role.PROVINCE)
    return user, signed_in(user)


def test_a_page_loaded_again_is_served_without_a_query_and_with_the_same_headers(province, still):
    _, client = province
    first, rendered = load(client, "/inbox/")
    again, served = load(client, "/inbox/")
    assert first.status_code == again.status_code == 200
    assert rendered > 1
    assert served == 0  # the session comes from the cache (the snapshot's one query is held still here)
    assert again.content == first.content
    for header in ("Content-Type", "X-Frame-Options", "Content-Security-Policy", "Vary"):
        assert again[header] == first[header]


def test_any_write_anywhere_renders_the_page_afresh(province):
    user, client = province
    load(client, "/inbox/")
    factories.NotificationFactory(recipient=user, title="补正通知甲")
    response, queries = load(client, "/inbox/")
    assert "补正通知甲" in response.content.decode()
    assert queries > 1
    factories.NotificationFactory(recipient=factories.UserFactory(role=Role.PROVINCE), title="别人的通知")
    response, queries = load(client, "/inbox/")
    assert queries > 1  # not this user's data, but the snapshot moved: nothing is kept per table
    assert "别人的通知" not in response.content.decode()


def test_each_page_and_query_is_kept_apart(province, still):
    _, client = province
    inbox, _ = load(client, "/inbox/")
    queue, queries = load(client, "/applications/queue/province/")
    assert queries > 1 and queue.content != inbox.content
    _, queries = load(client, "/applications/queue/province/?state=submitted")
    assert queries > 1
    _, queries = load(client, "/applications/queue/province/")
    assert queries == 0
    still.move()
    _, queries = load(client, "/applications/queue/province/")
    assert queries > 1


def test_a_page_kept_for_a_session_is_not_served_once_the_sessions_data_changed(province, still):
    """The page is kept under the session's key with the session's data it was rendered with: whatever the session
    holds afterwards (here a value written by another request) renders it again, and the new page is kept."""
    from importlib import import_module

    from django.conf import settings

    _, client = province
    load(client, "/inbox/")
    assert load(client, "/inbox/")[1] == 0
    session = import_module(settings.SESSION_ENGINE).SessionStore(client.cookies["sessionid"].value)
    session["written-by-another-request"] = "是"
    session.save()
    assert load(client, "/inbox/")[1] > 0
    assert load(client, "/inbox/")[1] == 0


def test_a_signed_out_session_is_never_served(province, client, still):
    _, signed_in = province
    load(signed_in, "/applications/queue/province/")
    cookie = signed_in.cookies["sessionid"].value
    signed_in.post("/accounts/logout/")
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    response = client.get("/applications/queue/province/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_password_changed_elsewhere_ends_the_session_even_for_a_kept_page(province):
    user, client = province
    load(client, "/applications/queue/province/")
    user.set_password("另一个密码-2026-new")
    user.save()
    response = client.get("/applications/queue/province/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deactivated_user_gets_no_kept_page(province):
    user, client = province
    load(client, "/")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/")
    assert not response.wsgi_request.user.is_authenticated


def test_another_users_session_renders_its_own_page(province, still):
    _, client = province
    load(client, "/applications/queue/province/")
    other = signed_in(factories.UserFactory(role=Role.PROVINCE))
    _, queries = load(other, "/applications/queue/province/")
    assert queries > 1


def test_a_message_is_shown_once_and_the_page_with_it_is_not_kept(province, still):
    user, client = province
    factories.NotificationFactory(recipient=user)
    load(client, "/inbox/")
    response = client.post("/inbox/read-all/", follow=True)
    still.move()  # the read-all wrote
    assert "已全部标为已读" in response.content.decode()
    del client.cookies["messages"]  # emptied and expired by that response: a browser drops it, the test client does not
    response, queries = load(client, "/inbox/")
    assert "已全部标为已读" not in response.content.decode()
    assert queries > 1  # the page that showed the message was not stored
    response, queries = load(client, "/inbox/")
    assert queries == 0 and "已全部标为已读" not in response.content.decode()


def test_a_page_that_is_not_marked_is_always_rendered(province, still):
    _, client = province
    load(client, "/exports/")
    _, queries = load(client, "/exports/")
    assert queries > 1


def test_a_session_that_owes_the_second_step_is_redirected_every_time():
    client = signed_in(factories.UserFactory(role=Role.PROVINCE))
    session = client.session
    del session["otp_device_id"]
    session.save()
    for _ in range(2):
        response = client.get("/applications/queue/province/")
        assert response.status_code == 302 and "two-factor" in response["Location"]


def test_switched_off_every_page_is_rendered(province, settings, still):
    settings.SIGNED_IN_PAGE_CACHE = False
    _, client = province
    load(client, "/inbox/")
    _, queries = load(client, "/inbox/")
    assert queries > 1


@pytest.mark.django_db(transaction=False)
def test_inside_a_transaction_nothing_is_kept(province, still):
    _, client = province
    load(client, "/inbox/")
    _, queries = load(client, "/inbox/")
    assert queries > 1


def test_the_snapshot_moves_with_any_committed_write():
    before = pagecache.snapshot()
    factories.NotificationFactory(recipient=factories.UserFactory(role=Role.PROVINCE))
    assert pagecache.snapshot() not in (None, before)


@pytest.mark.django_db(transaction=False)
def test_there_is_no_snapshot_inside_a_transaction():
    assert pagecache.snapshot() is None
