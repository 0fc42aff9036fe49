"""The shell every page shares: Chinese locale and time zone, assets served by the portal itself (no CDN),
nothing inline that a strict CSP would block, and production settings that pass Django's deploy checks."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.access.test_permission_matrix import ROWS
from tests.access.world import ROLES
from tests.helpers import client_as

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP_CSS = "bootstrap/css/bootstrap.min.css"

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
ASSET_URL = re.compile(
    r"<(?:link|script|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(?:href|src|data)\s*=\s*[\"']([^\"']*)", re.I
)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def shell_problems(html: str) -> list[str]:
    problems = []
    if f'<link rel="stylesheet" href="{settings.STATIC_URL}{BOOTSTRAP_CSS}">' not in html:
        problems.append("Bootstrap is not loaded from /static/")
    problems += [f"inline script: {m}" for m in INLINE_SCRIPT.findall(html)]
    problems += [f"style attribute: {m[:80]}" for m in STYLE_ATTRIBUTE.findall(html)]
    problems += [f"style element: {m}" for m in STYLE_ELEMENT.findall(html)]
    problems += [f"inline event handler: {m[:80]}" for m in HANDLER_ATTRIBUTE.findall(html)]
    problems += [f"asset from elsewhere: {url}" for url in ASSET_URL.findall(html) if re.match(r"(https?:)?//", url)]
    return problems


def _html_pages(client, w, role):
    """Every page of the permission matrix that answers this role with HTML."""
    client_as(w.users[role], client)
    for row in ROWS:
        if row.expected[role] != 200:
            continue
        response = client.get(reverse(row.name, kwargs=row.kwargs(w)))
        assert response.status_code == 200, row.id
        if response.get("Content-Type", "").startswith("text/html"):
            yield row.id, response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_loads_bootstrap_from_static_and_has_nothing_inline(client, world, role):
    seen, problems = 0, {}
    for page, html in _html_pages(client, world, role):
        seen += 1
        if found := shell_problems(html):
            problems[page] = found
    assert seen, f"no HTML page answered {role}"
    assert not problems, problems


def test_the_public_page_loads_nothing_from_another_site(client, db):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{settings.STATIC_URL}{BOOTSTRAP_CSS}"' in html
    assert not [url for url in ASSET_URL.findall(html) if not url.startswith(settings.STATIC_URL)]
    assert "cdn" not in html.lower()


def test_a_form_with_errors_still_has_nothing_inline(client, db):
    html = client.post(reverse("register"), {"org-name": "只填了名称"}).content.decode()
    assert "is-invalid" in html
    assert shell_problems(html) == []


def test_bootstrap_and_the_portal_stylesheet_ship_with_the_portal():
    assert finders.find(BOOTSTRAP_CSS), "Bootstrap must come from an installed package (django-bootstrap-static)"
    assert finders.find("css/portal.css")


def test_pages_declare_simplified_chinese(client, db):
    assert '<html lang="zh-Hans">' in client.get(reverse("home")).content.decode()


def test_the_portal_speaks_simplified_chinese_in_china_standard_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.USE_I18N is True


def test_dates_on_pages_are_written_the_chinese_way(client, db):
    from tests import factories

    factories.BatchFactory(opens_on="2025-03-01", closes_on="2099-12-31")
    html = client.get(reverse("home")).content.decode()
    assert "2025年3月1日 至 2099年12月31日" in html


# -- production settings -------------------------------------------------------------------------------


def _manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    # A fresh process as CI starts it: none of the test session's own switches (the browser fixture sets
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly refuses).
    dropped = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "PII_KEYS", "PII_HASH_KEY")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_djangos_deploy_checks_without_a_warning():
    """What CI runs (.ci/run): DEBUG off, a long random key, the real host name."""
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(45),
        ALLOWED_HOSTS="jxjy.example.cn",
        PII_KEYS=Fernet.generate_key().decode(),
        PII_HASH_KEY=secrets.token_urlsafe(32),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper().replace("--FAIL-LEVEL WARNING", "")


def test_the_deploy_check_wants_the_keys_of_the_personal_data():
    """PIPL: production does not run without its own keys for the ID numbers at rest, each a real key."""
    result = _manage(
        "check", "--deploy", DEBUG="False", SECRET_KEY=secrets.token_urlsafe(45), ALLOWED_HOSTS="jxjy.example.cn",
        PII_KEYS="not-a-key",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "jxjy.E002" in output and "PII_HASH_KEY is not set" in output
    assert "jxjy.E003" in output and "PII_KEYS key 1 is not a Fernet key" in output


def test_the_deploy_check_does_catch_development_settings():
    """The check above means something: with DEBUG on it warns (security.W018)."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="True", SECRET_KEY=secrets.token_urlsafe(45))
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="False", ALLOWED_HOSTS="jxjy.example.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_shell_check_spots_what_it_forbids():
    bad = (
        '<link rel="stylesheet" href="https://assets.example.org/bootstrap.css">'
        '<script>alert(1)</script><div style="color:red" onclick="x()"></div><style>p{}</style>'
    )
    found = " | ".join(shell_problems(bad))
    for what in (
        "not loaded from /static/",
        "inline script",
        "style attribute",
        "style element",
        "event handler",
        "https://assets.example.org",
    ):
        assert what in found


def test_pages_send_a_content_security_policy_that_forbids_inline_code(client, db):
    """The policy is what makes 'nothing inline' matter: the browser would refuse it."""
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    for directive in ("script-src", "style-src"):
        assert directives[directive] == "'self'", policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
