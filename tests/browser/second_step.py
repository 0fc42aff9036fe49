"""The second step of signing in, as a person with an authenticator app would take it: the code is computed here
from the key (the enrolment page's text, or the device the user already has)."""

import time
from base64 import b32decode
from urllib.parse import urlsplit

from django.urls import reverse
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_code(hex_key: str, last_t: int = -1) -> str:
    """The code an app shows for `hex_key` within the accepted window, one the portal has not taken yet."""
    now = int(time.time()) // 30
    step = next(t for t in (now - 1, now, now + 1) if t > last_t)
    return f"{hotp(bytes.fromhex(hex_key), step):06d}"


def pass_second_step(page, username: str) -> None:
    """After the password: enrol an authenticator if the portal asks for one, or give its code."""
    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path == reverse("two_factor_setup"):
        secret = page.locator("#totp-secret").inner_text()
        key = b32decode(secret.replace(" ", "").strip()).hex()
        page.get_by_label("验证码").fill(authenticator_code(key))
        page.get_by_role("button", name="启用").click()
        page.wait_for_load_state()
        assert "备用验证码" in page.inner_text("main"), page.inner_text("main")[:500]
        page.get_by_role("link", name="我已保存，继续").click()
        page.wait_for_load_state()
    elif path == reverse("two_factor_verify"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("验证码").fill(authenticator_code(device.key, device.last_t))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
