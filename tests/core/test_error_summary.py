"""Issue 15 (4): a form that comes back with errors starts with a summary naming each field in error and linking
to it (its input's id), rows of a table by their number; nothing is shown for a valid or unbound form."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from tests.helpers import client_as

pytestmark = pytest.mark.django_db


class Person(forms.Form):
    name = forms.CharField(label="姓名")
    age = forms.IntegerField(label="年龄", required=False)


def render(*objects) -> str:
    names = [f"f{i}" for i in range(len(objects))]
    source = "{% load errors %}{% error_summary " + " ".join(names) + " %}"
    return Template(source).render(Context(dict(zip(names, objects, strict=True))))


def test_each_error_is_named_and_linked_to_its_input_and_rows_by_number():
    class Contact(forms.Form):
        email = forms.EmailField(label="联系邮箱")

    rows = forms.formset_factory(Person, extra=0)(
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-name": "张三",
            "form-1-name": "李四",
            "form-1-age": "三十",
        }
    )
    html = render(Contact({"email": "不是邮箱"}), rows)
    assert "未能保存，请修改以下2处" in html
    assert re.search(r'href="#id_email">联系邮箱：请输入有效的电子邮箱地址', html)
    assert re.search(r'href="#id_form-1-age">第2行 年龄：请输入整数。', html)


def test_a_valid_or_unbound_form_shows_no_summary():
    assert render(Person({"name": "张三"})).strip() == ""
    assert render(Person()).strip() == ""


def test_the_registration_page_summarises_its_errors_at_the_top():
    response = client_as(None).post(reverse("register"), {"account-email": "bad"})
    page = response.content.decode()
    summary = page.index("error-summary")
    assert summary < page.index('id="id_account-email"')
    assert 'href="#id_account-email"' in page
