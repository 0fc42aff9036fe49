"""Issue 15 (4): Django's default messages speak the portal's Chinese ("请输入有效的电子邮箱地址", not "输入一个有效的
Email 地址"), and the committed catalogue is the compiled form of its source."""

import gettext
import re
from pathlib import Path

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_the_compiled_catalogue_says_what_its_source_says():
    source = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', source, flags=re.M)
    with open(CATALOGUE / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert pairs
    for msgid, msgstr in pairs:
        assert catalogue.gettext(msgid) == msgstr, msgid


def test_form_defaults_speak_the_portals_chinese():
    class Form(forms.Form):
        email = forms.EmailField()
        count = forms.IntegerField(min_value=1)
        day = forms.DateField()

    errors = Form({"email": "not-an-address", "count": "0", "day": "明天"}).errors
    assert errors["email"] == ["请输入有效的电子邮箱地址，如 name@example.cn。"]
    assert errors["count"] == ["不能小于1。"]
    assert errors["day"] == ["请输入有效的日期，如 2026-12-31。"]
    assert Form({}).errors["email"] == ["此项为必填项。"]


def test_password_rules_speak_the_portals_chinese():
    try:
        validate_password("12345678901")
    except ValidationError as error:
        messages = error.messages
    assert "密码不能全部是数字。" in messages and "该密码过于常见，容易被猜中，请换一个。" in messages
