"""OWASP A07 (identification and authentication failures): five wrong passwords for one user from one address
lock that pair out for 30 minutes (django-axes) with the Chinese lockout page — even the right password is
refused then — while the same user from another address and another user from the same address still sign in.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd-Strong"
ATTACKER, OFFICE = "203.0.113.7", "198.51.100.20"
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LOCKED_TEXT = "登录已暂时锁定"


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(username, password, address, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response, client


def fail_five_times(username, address, **headers):
    """Four ordinary refusals with the Chinese error; the fifth failure already answers with the lockout page."""
    for attempt in range(4):
        response, _ = sign_in(username, "wrong-Passw0rd", address, **headers)
        assert response.status_code == 200, f"attempt {attempt + 1} was not an ordinary refusal"
        assert "登录名或密码不正确" in response.content.decode()
    assert_locked_out(*sign_in(username, "wrong-Passw0rd", address, **headers))


def assert_signed_in(response, client, user):
    assert response.status_code == 302, response.status_code
    assert get_user(client) == user


def assert_locked_out(response, client):
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert not get_user(client).is_authenticated


def test_the_sixth_attempt_after_five_failures_is_locked_out_even_with_the_right_password(clock):
    user = factories.InstitutionUserFactory()
    fail_five_times(user.username, ATTACKER)
    assert_locked_out(*sign_in(user.username, PASSWORD, ATTACKER))


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(clock):
    user = factories.InstitutionUserFactory()
    for _ in range(4):
        sign_in(user.username, "wrong-Passw0rd", ATTACKER)
    assert_signed_in(*sign_in(user.username, PASSWORD, ATTACKER), user)
    for _ in range(4):
        sign_in(user.username, "wrong-Passw0rd", ATTACKER)
    assert_signed_in(*sign_in(user.username, PASSWORD, ATTACKER), user)


def test_another_user_from_the_same_address_is_not_locked(clock):
    victim, colleague = factories.InstitutionUserFactory(), factories.RecommenderUserFactory()
    fail_five_times(victim.username, ATTACKER)
    assert_signed_in(*sign_in(colleague.username, PASSWORD, ATTACKER), colleague)


def test_the_same_user_from_another_address_is_not_locked(clock):
    """An attacker elsewhere cannot lock a real user out of the portal everywhere."""
    user = factories.InstitutionUserFactory()
    fail_five_times(user.username, ATTACKER)
    assert_signed_in(*sign_in(user.username, PASSWORD, OFFICE), user)


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(clock):
    """The address is the connection's (REMOTE_ADDR): a client cannot pick a fresh one per attempt."""
    user = factories.InstitutionUserFactory()
    for n in range(5):
        sign_in(user.username, "wrong-Passw0rd", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert_locked_out(*sign_in(user.username, PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="10.9.9.9"))


def test_after_the_thirty_minute_cool_off_the_user_signs_in_again(clock):
    user = factories.InstitutionUserFactory()
    fail_five_times(user.username, ATTACKER)
    clock.move_to(START + timedelta(minutes=31))
    assert_signed_in(*sign_in(user.username, PASSWORD, ATTACKER), user)


def test_trying_again_during_the_lockout_starts_the_thirty_minutes_again(clock):
    """Each attempt while locked counts as a failure (axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    user = factories.InstitutionUserFactory()
    fail_five_times(user.username, ATTACKER)
    clock.move_to(START + timedelta(minutes=29))
    assert_locked_out(*sign_in(user.username, PASSWORD, ATTACKER))
    clock.move_to(START + timedelta(minutes=31))
    assert_locked_out(*sign_in(user.username, PASSWORD, ATTACKER))
    clock.move_to(START + timedelta(minutes=62))
    assert_signed_in(*sign_in(user.username, PASSWORD, ATTACKER), user)


def test_an_unknown_user_name_is_locked_out_the_same_way(clock):
    """The lockout says nothing about whether the account exists."""
    fail_five_times("no-such-user", ATTACKER)
    response, client = sign_in("no-such-user", PASSWORD, ATTACKER)
    assert_locked_out(response, client)


# -- password spraying: few passwords on many user names from one address (issue 19 (8)) -------------------------

SPRAYED_TEXT = "来自您网络地址的登录已暂停"


def spray(address, count=20, **headers):
    """One wrong password for each of `count` different user names, none of which reaches axes's lockout."""
    for n in range(count):
        response, _ = sign_in(f"guess-{n}", "Spring2026!", address, **headers)
        assert response.status_code == 200, f"attempt {n + 1} was not an ordinary refusal"


def assert_sprayed(response, client):
    assert response.status_code == 429
    assert SPRAYED_TEXT in response.content.decode() and "15分钟" in response.content.decode()
    assert response["Retry-After"] == "900"
    assert not get_user(client).is_authenticated


def test_issue19_twenty_failures_across_user_names_from_one_address_refuse_the_next_sign_in(clock):
    user = factories.InstitutionUserFactory()
    spray(ATTACKER, 19)
    assert_signed_in(*sign_in(user.username, PASSWORD, ATTACKER), user)  # 19: still let in
    sign_in("guess-19", "Spring2026!", ATTACKER)
    assert_sprayed(*sign_in(user.username, PASSWORD, ATTACKER))  # 20: even the right password is refused


def test_issue19_the_spraying_throttle_is_per_address_not_everyone(clock):
    user = factories.InstitutionUserFactory()
    spray(ATTACKER)
    assert_signed_in(*sign_in(user.username, PASSWORD, OFFICE), user)


def test_issue19_the_throttle_lifts_when_the_failures_are_older_than_the_window(clock):
    user = factories.InstitutionUserFactory()
    spray(ATTACKER)
    clock.move_to(START + timedelta(minutes=14))
    assert_sprayed(*sign_in(user.username, PASSWORD, ATTACKER))
    clock.move_to(START + timedelta(minutes=16))
    assert_signed_in(*sign_in(user.username, PASSWORD, ATTACKER), user)


def test_issue19_behind_the_proxy_each_visitor_is_counted_by_the_address_the_proxy_saw(clock, settings):
    """With TRUSTED_PROXY_COUNT=1 every request comes from nginx's address: the visitor's is in X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    nginx = "10.0.0.2"
    user = factories.InstitutionUserFactory()
    spray(nginx, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert_sprayed(*sign_in(user.username, PASSWORD, nginx, HTTP_X_FORWARDED_FOR=ATTACKER))
    assert_signed_in(*sign_in(user.username, PASSWORD, nginx, HTTP_X_FORWARDED_FOR=OFFICE), user)
    # a sprayer cannot pick a fresh address per attempt: only the proxy's last entry is believed
    forged = Client(REMOTE_ADDR=nginx, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {ATTACKER}")
    assert_sprayed(forged.post(reverse("login"), {"username": user.username, "password": PASSWORD}), forged)


def test_issue19_the_admin_sign_in_form_is_throttled_too(clock):
    spray(ATTACKER)
    admin = factories.UserFactory(role="admin", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR=ATTACKER)
    response = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})
    assert_sprayed(response, client)
