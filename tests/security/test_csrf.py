"""OWASP A01/CSRF: a POST that does not carry the CSRF token is refused with the Chinese 403 page and changes
nothing — on every URL of the project, as the user who could otherwise make that POST succeed.

The victim's browser holds the CSRF cookie (it has visited the portal); the attacker's cross-site form cannot
read it, so the POST arrives with the cookie but without the token. The control: the same POST with the token
is not refused, and where the URL book has data for it, it changes something.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import client_as
from tests.urlbook import SKIPPED_NAMESPACES, URLS, project_patterns

from .helpers import rolled_back, url_of, writes

pytestmark = pytest.mark.django_db

# Successful POSTs here change the session or send mail, not the portal's records.
CHANGES_NO_RECORD = {"logout", "password_reset"}


def csrf_client(w, role) -> Client:
    """A client that enforces CSRF like a browser, signed in as `role`, holding the CSRF cookie."""
    client = client_as(w.users[role], enforce_csrf_checks=True)
    client.get(reverse("login"))  # any page with a form sets the cookie
    assert "csrftoken" in client.cookies
    return client


def test_no_view_of_the_project_is_exempt_from_csrf_checks():
    from django.urls import get_resolver

    exempt = []

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                # the JSON API reads no cookie, only its bearer token (tests/security/test_api.py)
                if entry.namespace not in SKIPPED_NAMESPACES:
                    walk(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
            elif getattr(entry.callback, "csrf_exempt", False):
                exempt.append(f"{prefix}{entry.name}")

    walk(get_resolver())
    assert exempt == []
    assert len(project_patterns()) > 50  # the walk saw the project


@pytest.mark.parametrize("entry", URLS, ids=lambda u: u.id)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(w, entry):
    client = csrf_client(w, entry.actor)
    url = url_of(entry, w)
    data = entry.data(w) if entry.data else {}
    with rolled_back():
        if entry.prepare:
            entry.prepare(w)
        with writes() as done:
            response = client.post(url, data)
    assert response.status_code == 403, f"POST {url} without a token as {entry.actor}: {response.status_code}"
    assert "请求已失效" in response.content.decode(), "the refusal is not the Chinese CSRF page"
    assert not done.tables, f"POST {url} without a token wrote to {sorted(done.tables)}"

    if entry.data is None:
        return
    # The control: with the token, the same POST goes through.
    data = entry.data(w)
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    with rolled_back():
        if entry.prepare:
            entry.prepare(w)
        with writes() as done:
            response = client.post(url, data)
    assert response.status_code != 403, f"POST {url} with the token as {entry.actor} was refused"
    assert done.tables or entry.name in CHANGES_NO_RECORD, f"control POST {url} as {entry.actor} changed nothing"


def test_a_post_without_any_csrf_cookie_is_refused_too(w):
    """A browser that never visited the portal (no cookie at all) cannot sign anyone out or in."""
    client = client_as(w.users["institution_own"], enforce_csrf_checks=True)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert client.get(reverse("inbox")).status_code == 200, "the user was signed out by a forged POST"
