"""Two web nodes, proven (issue 19, point 3): two gunicorn processes on different ports share PostgreSQL, Redis
and the S3-protocol server, each with a media folder of its own (as two machines have). A file uploaded
through one downloads through the other, byte for byte; a session made on one is signed in on the other; a
change made through one makes the other's cached public page stale at once."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from applications.models import Condition
from tests import factories
from tests.applications.conftest import complete_draft, edit_data
from tests.conftest import S3_CREDENTIALS, free_port
from tests.public.conftest import published_base

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Two-Nodes-2026!"


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def nodes(postgres, s3_server, tmp_path):
    """Two web nodes, each a gunicorn process; yields their base URLs."""
    redis_url = settings.REDIS_URL
    assert redis_url, "the two nodes share Redis: set REDIS_URL"
    bucket = f"jxjy-{uuid.uuid4().hex[:12]}"
    boto3.resource(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
        region_name=S3_CREDENTIALS["region_name"],
    ).create_bucket(Bucket=bucket)
    processes, urls = [], []
    for name in ("node-a", "node-b"):
        port = free_port()
        env = {
            "PATH": os.environ["PATH"],
            "DEBUG": "True",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": s3_server,
            "S3_ACCESS_KEY_ID": S3_CREDENTIALS["access_key"],
            "S3_SECRET_ACCESS_KEY": S3_CREDENTIALS["secret_key"],
            "MEDIA_ROOT": str(tmp_path / name),
            "PUBLIC_PAGE_CACHE": "True",
            "PII_KEYS": settings.PII_KEYS[0],
            "PII_HASH_KEY": settings.PII_HASH_KEY,
            "LOG_LEVEL": "WARNING",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_WORKERS": "1",
            "WEB_THREADS": "4",
        }
        processes.append(
            subprocess.Popen(
                [
                    os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                    "-c",  # the production configuration: threaded workers (issue 20)
                    "config/gunicorn.py",
                    "config.wsgi",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(tmp_path / f"{name}.log", "w"),  # noqa: SIM115 - closed with the process
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    for url, process in zip(urls, processes, strict=True):
        for _ in range(300):
            try:
                if requests.get(f"{url}/livez", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or too busy to answer in time
                assert process.poll() is None, (tmp_path / "node-a.log").read_text() + (
                    tmp_path / "node-b.log"
                ).read_text()
                time.sleep(0.1)
    yield urls
    for process in processes:
        process.terminate()
        process.wait(timeout=20)
    connection.close()


def sign_in(node: str, user) -> requests.Session:
    browser = requests.Session()
    browser.get(f"{node}/accounts/login/", timeout=30)
    answer = browser.post(
        f"{node}/accounts/login/",
        data={"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": f"{node}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:2000]
    return browser


def post(browser: requests.Session, node: str, path: str, data: dict, files=None) -> requests.Response:
    return browser.post(
        f"{node}{path}",
        data={**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        files=files,
        headers={"Referer": f"{node}{path}"},
        timeout=60,
        allow_redirects=False,
    )


def test_a_session_an_upload_and_a_page_change_travel_between_two_nodes(nodes):
    a, b = nodes
    user = factories.InstitutionUserFactory()
    hasher = PBKDF2PasswordHasher()  # the nodes' own hasher (the tests' settings hash with MD5 for speed)
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    draft = complete_draft(user)

    # a session made on node A is signed in on node B
    browser = sign_in(a, user)
    edit = f"/applications/{draft.pk}/edit/"
    on_b = browser.get(f"{b}{edit}", timeout=30, allow_redirects=False)
    assert on_b.status_code == 200 and draft.institution.name in on_b.text

    # a file uploaded through A downloads through B, byte for byte
    content = b"%PDF-1.4\n% two nodes\n" + os.urandom(50_000)
    answer = post(
        browser, a, edit, edit_data(draft), files={"doc_other": ("近三年培训情况.pdf", content, "application/pdf")}
    )
    assert answer.status_code == 302, answer.text[:2000]
    doc = draft.documents.get(condition=Condition.OTHER)
    download = browser.get(f"{b}/applications/{draft.pk}/documents/{doc.pk}/", timeout=30)
    assert download.status_code == 200 and download.content == content

    # a change through A makes B's cached public page stale at once
    base = published_base(
        application=factories.ApplicationFactory(
            complete=True, institution=user.institution, created_by=user, state="approved"
        ),
        name=user.institution.name,
    )
    public = f"{b}/public/bases/{base.pk}/"
    assert "每人每学时 88元" not in requests.get(public, timeout=30).text  # cached on B now
    assert "每人每学时 88元" not in requests.get(public, timeout=30).text
    fees = {"scope": "面向全省专业技术人员", "content": "专业科目培训", "fee_items": "专业科目培训 每人每学时 88元"}
    assert post(browser, a, f"/bases/{base.pk}/fees/", fees).status_code == 302
    assert "每人每学时 88元" in requests.get(public, timeout=30).text
    assert re.search(r"最近更新", requests.get(public, timeout=30).text)
