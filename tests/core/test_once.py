"""`{% once %}` (core/templatetags/once.py): a part of the shell rendered once per process and reused, for
parts that read nothing of the request or the user; the anonymous menu of one visitor is never a signed-in
user's, and the other way round."""

import pytest
from django.template import Context, Template
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.helpers import client_as

KEPT = Template('{% load once %}{% once "a part" %}[{{ value }}]{% endonce %}<{{ value }}>')


def test_a_part_is_rendered_once_and_the_rest_every_time():
    assert KEPT.render(Context({"value": "一"})) == "[一]<一>"
    assert KEPT.render(Context({"value": "二"})) == "[一]<二>"


def test_a_changed_setting_renders_it_again():
    KEPT.render(Context({"value": "一"}))
    with override_settings(SERVICE_PHONE="0591-00000000"):
        assert KEPT.render(Context({"value": "二"})) == "[二]<二>"


@pytest.mark.django_db
def test_the_anonymous_menu_and_a_signed_in_menu_never_mix():
    register = reverse("public:register")
    province = factories.UserFactory(role=Role.PROVINCE)
    for _ in range(2):  # each after the other has been rendered and kept
        anonymous = Client().get(register).content.decode()
        signed_in = client_as(province).get(register).content.decode()
        assert "登录</a>" in anonymous and "施教机构注册</a>" in anonymous and "退出</button>" not in anonymous
        assert "退出</button>" in signed_in and "登录</a>" not in signed_in and "施教机构注册</a>" not in signed_in
        assert f'href="{reverse("public:guides")}">办事指南</a>' in anonymous  # the public menu
        assert "申报审核</a>" in signed_in and "申报审核</a>" not in anonymous
        for page in (anonymous, signed_in):  # the shared head and footer
            assert "/static/css/portal.css" in page and "闽人社发〔2024〕5号" in page
