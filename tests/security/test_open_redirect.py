"""OWASP A01 (open redirect): after signing in (or out), and when an inbox message is opened, the portal only
ever sends the browser to one of its own pages, however the target is disguised."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd-Strong"
OFF_SITE = [
    "https://evil.example",
    "https://evil.example/accounts/login/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    " //evil.example",
    "/%2F%2Fevil.example",
    "https://testserver.evil.example/",
]


def stays_on_site(location: str) -> bool:
    """A Location a browser resolves to this site: a path of its own, not a scheme or another host.

    Browsers treat a backslash like a slash and ignore leading blanks and tabs, so `/\\evil.example` and
    ` //evil.example` lead off-site just like `//evil.example`.
    """
    normalised = location.strip().replace("\\", "/")
    parts = urlsplit(normalised)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return normalised.startswith("/") and not normalised.startswith("//")


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_with_an_off_site_next_lands_on_a_page_of_the_portal(db, target):
    user = factories.InstitutionUserFactory()
    client = Client()
    response = client.post(
        reverse("login") + "?next=" + target, {"username": user.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302, "the sign-in failed"
    assert stays_on_site(response["Location"]), response["Location"]


def test_signing_in_with_an_on_site_next_goes_there(db):
    user = factories.InstitutionUserFactory()
    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": "/inbox/"})
    assert response["Location"] == "/inbox/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_out_with_an_off_site_next_lands_on_a_page_of_the_portal(db, target):
    client = client_as(factories.InstitutionUserFactory())
    response = client.post(reverse("logout") + "?next=" + target, {"next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


# Every message the portal writes links to reverse(...); the open action must hold even if one did not. (A
# backslash is sent percent-encoded, "/%5Cevil.example", which browsers keep as a path on this site.)
@pytest.mark.parametrize("target", OFF_SITE)
def test_opening_an_inbox_message_never_leaves_the_site(db, target):
    note = factories.NotificationFactory(url=target)
    client = client_as(note.recipient)
    response = client.post(reverse("inbox_open", args=[note.pk]))
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


def test_opening_an_inbox_message_goes_to_its_page_and_marks_it_read(db):
    note = factories.NotificationFactory(url="/bases/filings/")
    client = client_as(note.recipient)
    response = client.post(reverse("inbox_open", args=[note.pk]))
    assert response["Location"] == "/bases/filings/"
    note.refresh_from_db()
    assert note.read_at is not None
