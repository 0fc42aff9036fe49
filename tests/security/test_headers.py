"""OWASP A05 (security misconfiguration): every response carries the browser protections, every file leaves as
a download, and the production settings (DEBUG=False) make the cookies Secure and pass `check --deploy`."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from tests.urlbook import URLS

from .helpers import url_of

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[2]

# Responses that are not pages and are meant to be shown inline (not downloaded): their type is fixed here.
INLINE_BY_DESIGN = {
    "healthz": "text/plain",
    "livez": "text/plain",
    "readyz": "text/plain",
    "robots": "text/plain",
    "sitemap": "application/xml",
    "public:open_data_json": "application/json",
    "training:import_progress": "application/json",  # polled by the import page's progress bar
    "export_progress": "application/json",  # polled by a background export's progress bar
    "reports:chart": "image/svg+xml",
    "two_factor_qr": "image/svg+xml",  # the enrolment key's QR code, shown on the enrolment page
}
# The server-drawn SVG charts (reports/views.py) are images with their own policy: nothing may load or run
# (default-src 'none', so no script), only the SVG's own inline <style> applies.
CSP_EXEMPT = {"reports:chart"}


def test_a_chart_svg_has_a_policy_of_its_own_that_runs_nothing(client_as):
    from tests import factories

    response = client_as(factories.UserFactory(role="province")).get(reverse("reports:chart", args=["status"]))
    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"]
    assert "script-src" not in csp  # falls back to 'none'
    assert csp["style-src"] == ["'unsafe-inline'"]


EXPORTS = ("csv", "xlsx")


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def check_protections(name, response):
    problems = []
    if name not in CSP_EXEMPT:
        csp = csp_directives(response)
        if not csp:
            problems.append("no Content-Security-Policy")
        for directive, sources in csp.items():
            if "'unsafe-inline'" in sources or "'unsafe-eval'" in sources:
                problems.append(f"CSP {directive} allows {sources}")
        for needed in ("default-src", "script-src", "object-src", "frame-ancestors"):
            if needed not in csp:
                problems.append(f"CSP without {needed}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options {response.get('X-Content-Type-Options')!r}")
    if response.get("Referrer-Policy") not in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"):
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    return problems


def content_type(response) -> str:
    return response.get("Content-Type", "").split(";")[0].strip()


@pytest.mark.parametrize("entry", URLS, ids=lambda u: u.id)
def test_every_response_sends_csp_without_unsafe_inline_and_the_framing_sniffing_referrer_headers(w, as_role, entry):
    client = as_role(entry.actor)
    url = url_of(entry, w)
    response = client.get(url)
    assert response.status_code in (200, 302, 405), f"GET {url} as {entry.actor}: {response.status_code}"
    assert check_protections(entry.name, response) == [], f"GET {url} as {entry.actor}"
    if response.status_code == 200 and content_type(response) != "text/html":
        if entry.name in INLINE_BY_DESIGN:
            assert content_type(response) == INLINE_BY_DESIGN[entry.name]
        else:
            disposition = response.get("Content-Disposition", "")
            assert disposition.startswith("attachment"), f"{url} ({content_type(response)}) is not a download"


def test_a_404_and_the_csrf_refusal_carry_the_headers_too(db):
    from django.test import Client

    assert check_protections("404", Client().get("/no-such-page/")) == []
    refused = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert refused.status_code == 403
    assert check_protections("403", refused) == []


@pytest.mark.parametrize(
    "name, role, kwargs",
    [
        ("applications:download", "institution_own", lambda w: {"pk": w.app.pk, "doc_pk": w.document.pk}),
        ("applications:objection_evidence", "province", lambda w: {"pk": w.objection.pk}),
        ("bases:change_evidence", "institution_own", lambda w: {"pk": w.change.pk}),
        ("bases:plaque", "institution_own", lambda w: {"pk": w.base.pk}),
        ("supervision:document", "institution_own", lambda w: {"pk": w.inspection_document.pk}),
        ("public:open_data_csv", "anonymous", lambda w: {}),
    ],
)
def test_every_file_is_sent_as_an_attachment_with_nosniff(w, as_role, name, role, kwargs):
    response = as_role(role).get(reverse(name, kwargs=kwargs(w)))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert content_type(response) != "text/html"


def test_every_list_export_is_an_attachment_with_nosniff(w, as_role):
    """Every page that exports (?export=csv|xlsx) sends the file as a download, whatever it contains."""
    exported = set()
    for entry in URLS:
        if entry.data is not None or entry.name in INLINE_BY_DESIGN:
            continue  # forms and the fixed non-page answers, not lists
        client = as_role(entry.actor)
        for fmt in EXPORTS:
            response = client.get(url_of(entry, w), {"export": fmt})
            if response.status_code != 200 or content_type(response) == "text/html":
                continue
            exported.add(entry.name)
            assert response["Content-Disposition"].startswith("attachment"), (entry.name, fmt)
            assert response["X-Content-Type-Options"] == "nosniff", (entry.name, fmt)
    # the lists that export (reports/exports.py): if this shrinks, a list lost its export or the walk broke
    assert len(exported) >= 12, sorted(exported)


# -- production settings --------------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "jxjy.example.cn",
    "SITE_URL": "https://jxjy.example.cn",
    "PII_KEYS": Fernet.generate_key().decode(),
    "PII_HASH_KEY": secrets.token_urlsafe(32),
}
SHOWN = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "DEBUG",
]


def run_with_production_settings(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def production_settings() -> dict:
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "from django.conf import settings;"
        f"print(json.dumps({{k: getattr(settings, k) for k in {SHOWN!r}}}))"
    )
    done = run_with_production_settings("-c", code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_manage_py_check_deploy_finds_nothing_with_debug_off():
    done = run_with_production_settings("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_cookies_are_secure_and_the_session_cookie_http_only(production_settings):
    s = production_settings
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True and s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict") and s["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert s["SECURE_SSL_REDIRECT"] is True and s["SECURE_HSTS_SECONDS"] >= 31_536_000


def test_signing_in_under_production_settings_sets_secure_http_only_cookies(
    production_settings, settings, client, institution_user
):
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        setattr(settings, name, production_settings[name])
    settings.SECURE_PROXY_SSL_HEADER = tuple(production_settings["SECURE_PROXY_SSL_HEADER"])
    institution_user.set_password("Passw0rd-Strong")
    institution_user.save()

    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://"), "http is not sent to https"

    page = client.get(reverse("login"), secure=True)
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.post(
        reverse("login"), {"username": institution_user.username, "password": "Passw0rd-Strong"}, secure=True
    )
    assert response.status_code == 302
    session, csrf = response.cookies[settings.SESSION_COOKIE_NAME], client.cookies[settings.CSRF_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"]
