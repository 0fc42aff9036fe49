"""Two-factor sign-in (issue 19 (8); 等保 2.0 第三级 身份鉴别: two factors for privileged accounts): province staff and
administrators give a code of an authenticator app (TOTP) or a single-use backup code after their password, enrol
one before anything else, and an administrator resets it; everyone else may turn it on."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Role
from core.models import TimelineEvent
from tests import factories
from tests.helpers import visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

PASSWORD = "Passw0rd-Strong"
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def code(key=KEY):
    """What the authenticator app holding `key` shows now."""
    return f"{totp(bytes.fromhex(key), step=30, t0=0, digits=6):06d}"


def enrolled(user, key=KEY):
    """The user with a confirmed authenticator holding `key`, and its ten backup codes."""
    device, codes = services.enable_two_factor(user=user, key=key, code=code(key))
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the enrolment's code may be used to sign in
    return codes


def password_step(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_issue19_a_province_user_without_an_authenticator_is_sent_to_enrol_and_reaches_nothing_else(client):
    province = factories.UserFactory(role=Role.PROVINCE)
    response = password_step(client, province)
    assert response.status_code == 302
    for url in (reverse("home"), reverse("applications:province_queue"), reverse("inbox")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup")), url

    page = client.get(reverse("two_factor_setup"))
    text = visible_text(page)
    assert "启用两步验证" in text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    qr = client.get(reverse("two_factor_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert 'src="/accounts/two-factor/setup/qr.svg"' in page.content.decode()  # our own view, no third party

    import base64

    key = base64.b32decode(secret.replace(" ", "")).hex()
    refused = client.post(reverse("two_factor_setup"), {"code": "000000" if code(key) != "000000" else "111111"})
    assert "验证码不正确" in visible_text(refused)
    assert not TOTPDevice.objects.filter(user=province).exists()

    shown = client.post(reverse("two_factor_setup"), {"code": code(key)})
    codes = re.findall(r"<li>(\d{8})</li>", shown.content.decode())
    assert len(codes) == 10 and "本页只显示这一次" in visible_text(shown)
    assert TOTPDevice.objects.get(user=province).confirmed
    assert client.get(reverse("applications:province_queue")).status_code == 200
    assert TimelineEvent.objects.filter(object_id=province.pk, action="two_factor_enabled").exists()


def test_issue19_a_wrong_code_is_refused_and_the_right_one_signs_in(client, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+08:00", tick=False)
    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    response = password_step(client, province, next_url=reverse("applications:province_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    assert not get_user(client).is_authenticated  # the password alone signs no one in

    wrong = client.post(response.url, {"code": "123456" if code() != "123456" else "654321"})
    assert wrong.status_code == 200
    assert "验证码不正确" in visible_text(wrong)
    assert not get_user(client).is_authenticated

    right = client.post(response.url, {"code": code()})
    assert right.status_code == 302 and right.url == reverse("applications:province_queue")
    assert get_user(client) == province
    assert client.get(reverse("applications:province_queue")).status_code == 200


def test_issue19_a_code_is_not_taken_twice(client, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+08:00", tick=False)
    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    password_step(client, province)
    client.post(reverse("two_factor_verify"), {"code": code()})
    other = Client()
    password_step(other, province)
    replayed = other.post(reverse("two_factor_verify"), {"code": code()})
    assert replayed.status_code == 200 and not get_user(other).is_authenticated


def test_issue19_a_backup_code_signs_in_once_only(client):
    province = factories.UserFactory(role=Role.PROVINCE)
    codes = enrolled(province)
    password_step(client, province)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]}, follow=True)
    assert get_user(client) == province
    assert "还剩9个" in visible_text(response)

    again = Client()
    password_step(again, province)
    refused = again.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "验证码不正确" in visible_text(refused) and not get_user(again).is_authenticated
    assert StaticToken.objects.filter(device__user=province).count() == 9


def test_issue19_backup_codes_are_regenerated_and_the_old_ones_stop_working(client):
    province = factories.UserFactory(role=Role.PROVINCE)
    old = enrolled(province)
    password_step(client, province)
    client.post(reverse("two_factor_verify"), {"code": old[0]})
    shown = client.post(reverse("two_factor_backup_codes"), follow=True)
    new = re.findall(r"<li>(\d{8})</li>", shown.content.decode())
    assert len(new) == 10
    assert set(StaticToken.objects.filter(device__user=province).values_list("token", flat=True)) == set(new)
    assert not re.findall(r"<li>(\d{8})</li>", client.get(reverse("two_factor")).content.decode())  # shown once


def test_issue19_wrong_codes_count_towards_the_lockout(client, settings):
    settings.AXES_ENABLED = True
    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    password_step(client, province)
    wrong = "123456" if code() != "123456" else "654321"
    for _ in range(4):
        assert client.post(reverse("two_factor_verify"), {"code": wrong}).status_code == 200
    locked = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    # now even the right password and code are refused for this user from this address
    fresh = Client()
    assert password_step(fresh, province).status_code == 429
    assert not get_user(fresh).is_authenticated


def test_issue19_an_institution_signs_in_with_its_password_alone_unless_it_turned_two_steps_on(client):
    institution = factories.InstitutionUserFactory()
    response = password_step(client, institution)
    assert response.status_code == 302 and response.url == reverse("home")
    assert get_user(client) == institution
    assert client.get(reverse("applications:mine")).status_code == 200
    assert "未启用" in visible_text(client.get(reverse("two_factor")))

    enrolled(institution)
    other = Client()
    response = password_step(other, institution)
    assert response.url.startswith(reverse("two_factor_verify")) and not get_user(other).is_authenticated
    other.post(reverse("two_factor_verify"), {"code": code()})
    assert get_user(other) == institution


def test_issue19_the_admin_site_takes_the_second_step_too(client):
    admin = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    login_page = client.get(response.url)
    assert login_page.status_code == 302 and login_page.url.startswith(reverse("login"))
    password_step(client, admin, next_url=reverse("admin:index"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))

    # once verified, the admin opens
    enrolled(admin)
    verified = Client()
    step = password_step(verified, admin, next_url=reverse("admin:index"))
    response = verified.post(step.url, {"code": code(), "next": reverse("admin:index")})
    assert response.url == reverse("admin:index")
    assert verified.get(reverse("admin:index")).status_code == 200


def test_issue19_a_signed_in_required_user_without_a_verified_session_is_held_at_the_code_step(client):
    """Signed in by a password only (an older session, Django's own login): with an authenticator, the code step."""
    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    client.force_login(province)  # not marked verified: this module is marked two_factor
    response = client.get(reverse("applications:province_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"code": code()})
    assert client.get(reverse("applications:province_queue")).status_code == 200


def test_issue19_an_administrator_resets_two_factor_by_command_and_it_is_recorded(client):
    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    out = StringIO()
    call_command("reset_two_factor", province.username, "--reason", "手机丢失", stdout=out)
    assert "已重置" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=province).exists()
    assert not StaticToken.objects.filter(device__user=province).exists()
    event = TimelineEvent.objects.get(object_id=province.pk, action="two_factor_reset")
    assert event.comment == "手机丢失"
    password_step(client, province)
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_setup"))


def test_issue19_an_administrator_resets_two_factor_from_the_admin(client):
    admin = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = "verified"
    session.save()
    response = client.post(
        reverse("admin:users_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [province.pk]},
        follow=True,
    )
    assert "已重置1个账户的两步验证" in visible_text(response)
    assert not TOTPDevice.objects.filter(user=province).exists()
    assert TimelineEvent.objects.get(object_id=province.pk, action="two_factor_reset").actor == admin


def test_issue19_the_code_step_waits_five_minutes_after_the_password(client, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+08:00", tick=False)
    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    password_step(client, province)
    time_machine.move_to("2026-03-02 09:05:01+08:00", tick=False)
    response = client.post(reverse("two_factor_verify"), {"code": code()}, follow=True)
    assert "验证已超时，请重新登录" in visible_text(response)
    assert not get_user(client).is_authenticated


def test_issue19_a_verified_session_costs_no_query_for_the_second_step(client):
    """The middleware reads the session only: the pinned query counts of every page stay as they were."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    province = factories.UserFactory(role=Role.PROVINCE)
    enrolled(province)
    password_step(client, province)
    client.post(reverse("two_factor_verify"), {"code": code()})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("inbox")).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "otp_" in q["sql"]]
