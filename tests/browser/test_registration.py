"""Journey: an institution registers itself in the browser, lands on its home page, signs out and in again."""

import os
import re

import pytest

from tests import factories

SHOTS = "/tmp/jxjy-shots"
NAME = "福州新知职业培训学院"
USERNAME = "xinzhi"
PASSWORD = "Xinzhi-2025-ok"


@pytest.mark.browser
def test_an_institution_registers_signs_out_and_signs_in_again(page):
    os.makedirs(SHOTS, exist_ok=True)
    page.goto("/")
    page.get_by_role("link", name="施教机构注册").first.click()
    page.wait_for_url("**/register/")

    # The institution's profile.
    page.fill("#id_org-name", NAME)
    page.fill("#id_org-credit_code", factories.fujian_credit_code(999))
    page.select_option("#id_org-type", label="教育培训机构")
    page.select_option("#id_org-region", label="福州市")
    page.fill("#id_org-legal_representative", "王五")
    page.fill("#id_org-address", "福州市鼓楼区五四路100号")
    page.fill("#id_org-contact_person", "王老师")
    page.fill("#id_org-phone", "0591-88776655")
    page.fill("#id_org-email", "office@xinzhi.example.cn")
    # The first account.
    page.fill("#id_account-username", USERNAME)
    page.fill("#id_account-full_name", "王小明")
    page.fill("#id_account-email", "wang@xinzhi.example.cn")
    page.fill("#id_account-password1", PASSWORD)
    page.fill("#id_account-password2", PASSWORD)
    page.get_by_role("button", name="注册").click()

    page.wait_for_url(page.base_url + "/")
    assert page.locator("h1").inner_text() == NAME
    assert "注册成功" in page.locator(".alert-success").inner_text()
    assert "王小明" in page.locator("nav").inner_text()
    # Bootstrap really loaded from /static/: the navbar is laid out as a flex row.
    assert page.eval_on_selector(".navbar", "el => getComputedStyle(el).display") == "flex"
    page.screenshot(path=f"{SHOTS}/registration.png", full_page=True)

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(page.base_url + "/")
    assert page.get_by_role("link", name="登录").first.is_visible()

    page.goto("/accounts/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", "wrong-Passw0rd")
    page.get_by_role("button", name="登录").click()
    assert "登录名或密码不正确" in page.locator("form").inner_text()

    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
    assert page.locator("h1").inner_text() == NAME
    page.screenshot(path=f"{SHOTS}/registration-signed-in-again.png", full_page=True)


@pytest.mark.browser
def test_a_refused_registration_keeps_what_was_typed_in_the_browser(page):
    os.makedirs(SHOTS, exist_ok=True)
    page.goto("/register/")
    page.fill("#id_org-name", NAME)
    page.fill("#id_org-credit_code", "91350100M000100Y4A")  # wrong check character
    page.fill("#id_account-username", USERNAME)
    page.get_by_role("button", name="注册").click()

    page.wait_for_load_state()
    assert page.input_value("#id_org-name") == NAME
    assert page.input_value("#id_account-username") == USERNAME
    assert "统一社会信用代码校验位不正确" in page.locator("#field-org-credit_code").inner_text()
    assert re.search(r"\bis-invalid\b", page.get_attribute("#id_org-credit_code", "class"))
    page.screenshot(path=f"{SHOTS}/registration-refused.png", full_page=True)
