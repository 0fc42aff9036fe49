"""An institution registers its account and profile itself (Art. 8(3)); bad input is refused at the field."""

import re

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.credit_code import ALPHABET
from accounts.models import Institution, Role, User
from tests import factories

CREDIT_CODE = factories.fujian_credit_code(9_990_001)
NAME = "福州新知职业培训学院"


def registration(**overrides) -> dict:
    data = {
        "org-name": NAME,
        "org-credit_code": CREDIT_CODE,
        "org-type": "training",
        "org-region": factories.region("350100").pk,
        "org-legal_representative": "王五",
        "org-address": "福州市鼓楼区五四路100号",
        "org-contact_person": "王老师",
        "org-phone": "0591-88776655",
        "org-email": "office@xinzhi.example.cn",
        "org-website": "",
        "account-username": "xinzhi",
        "account-full_name": "王小明",
        "account-email": "wang@xinzhi.example.cn",
        "account-phone": "13800000000",
        "account-password1": "Xinzhi-2025-ok",
        "account-password2": "Xinzhi-2025-ok",
    }
    data.update(overrides)
    return data


def field_block(html: str, name: str) -> str:
    """The HTML of one field group (label, input, help, errors) as partials/field.html renders it."""
    match = re.search(rf'id="field-{re.escape(name)}".*?(?=id="field-|</form>)', html, re.S)
    assert match, f"field {name} not on the page"
    return match.group(0)


def test_an_institution_registers_and_is_signed_in_on_its_home_page(client, db):
    response = client.post(reverse("register"), registration(**{"org-credit_code": CREDIT_CODE.lower()}))

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(username="xinzhi")
    assert user.role == Role.INSTITUTION
    assert user.institution.name == NAME
    assert user.institution.credit_code == CREDIT_CODE  # stored upper-case whatever was typed
    assert user.check_password("Xinzhi-2025-ok")
    assert get_user(client) == user

    home = client.get(reverse("home"))
    assert [t.name for t in home.templates][0] == "portal/home_institution.html"
    html = home.content.decode()
    assert f'<h1 class="page-title">{NAME}</h1>' in html
    assert "注册成功" in html


def test_the_registration_page_offers_the_ten_city_level_units_and_the_six_institution_types(client, db):
    html = client.get(reverse("register")).content.decode()
    for city in (
        "福州市",
        "厦门市",
        "莆田市",
        "三明市",
        "泉州市",
        "漳州市",
        "南平市",
        "龙岩市",
        "宁德市",
        "平潭综合实验区",
    ):
        assert f">{city}</option>" in html
    for kind in ("高等院校", "科研院所", "教育培训机构", "专业协会（学会）", "大中型企业施教机构", "其他组织和单位"):
        assert f">{kind}</option>" in html


def _refused(client, data):
    response = client.post(reverse("register"), data)
    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    html = response.content.decode()
    assert "注册信息有误" in html
    # What was typed is still there.
    assert f'value="{NAME}"' in html
    assert 'value="xinzhi"' in html
    return html


def test_a_credit_code_with_a_wrong_check_character_is_refused_at_the_field(client, db):
    wrong = CREDIT_CODE[:17] + next(ch for ch in ALPHABET if ch != CREDIT_CODE[17])
    html = _refused(client, registration(**{"org-credit_code": wrong}))
    assert "统一社会信用代码校验位不正确" in field_block(html, "org-credit_code")
    assert f'value="{wrong}"' in html
    assert not Institution.objects.exists()
    assert not User.objects.exists()


def test_a_credit_code_that_is_already_registered_is_refused_at_the_field(client, db):
    factories.InstitutionFactory(credit_code=CREDIT_CODE)
    html = _refused(client, registration())
    assert "该统一社会信用代码已注册" in field_block(html, "org-credit_code")
    assert Institution.objects.count() == 1
    assert not User.objects.filter(username="xinzhi").exists()


@pytest.mark.parametrize(
    "password, message",
    [
        ("12345678", "该密码过于常见"),
        ("1234567890123", "密码不能全部是数字"),
        ("abcdefghijklm", "密码须同时包含字母和数字"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason_at_the_field(client, db, password, message):
    html = _refused(client, registration(**{"account-password1": password, "account-password2": password}))
    assert message in field_block(html, "account-password2")
    assert not User.objects.exists()
    assert not Institution.objects.exists()  # nothing half-registered


def test_a_too_short_password_is_refused_in_chinese(client, db):
    html = _refused(client, registration(**{"account-password1": "Ab1-short", "account-password2": "Ab1-short"}))
    errors = field_block(html, "account-password2")
    assert "too short" not in errors
    assert "密码长度太短" in errors


def test_registration_needs_a_contact_e_mail_for_notices_and_password_reset(client, db):
    html = _refused(client, registration(**{"account-email": ""}))
    assert "此项为必填项" in field_block(html, "account-email")
    assert not User.objects.exists()


def test_a_taken_username_is_refused_at_the_field(client, db):
    factories.UserFactory(username="xinzhi")
    html = _refused(client, registration())
    assert "该用户名已被使用" in field_block(html, "account-username")
    assert not Institution.objects.exists()


def test_a_signed_in_user_is_sent_home_from_the_registration_page(client_as, institution_user):
    client = client_as(institution_user)
    response = client.post(reverse("register"), registration())
    assert response.status_code == 302 and response.url == reverse("home")
    assert not User.objects.filter(username="xinzhi").exists()
