"""OWASP A07 (session management): a session id known before signing in is worthless after it, signing out
ends the session on the server, a password change signs out the user's other browsers, and a deactivated
account's open sessions stop working at once."""

from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import services as user_services
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd-Strong"


def signed_in(client) -> bool:
    return client.get(reverse("inbox")).status_code == 200


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_signing_in_issues_a_new_session_id_so_a_planted_one_is_worthless(db):
    user = factories.InstitutionUserFactory()
    planted = import_module(settings.SESSION_ENGINE).SessionStore()
    planted.create()  # an id the attacker made and slipped into the victim's browser
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    sign_in(victim, user)
    assert victim.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert not signed_in(attacker)


def test_signing_out_ends_the_session_on_the_server_not_only_in_the_browser(db):
    user = factories.InstitutionUserFactory()
    client = Client()
    sign_in(client, user)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert not signed_in(replay)


def test_a_password_change_keeps_this_browser_signed_in_and_signs_out_the_others(db):
    user = factories.InstitutionUserFactory()
    here, elsewhere = Client(), Client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "N3w-Passw0rd-ok", "new_password2": "N3w-Passw0rd-ok"},
    )
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)


def test_a_deactivated_accounts_open_session_stops_working_at_once(db):
    staff = factories.RecommenderUserFactory()
    client = Client()
    sign_in(client, staff)
    assert signed_in(client)
    user_services.set_account_active(actor=factories.UserFactory(), user=staff, active=False)
    assert not signed_in(client)


def test_the_session_expires_within_a_working_day(db):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True
