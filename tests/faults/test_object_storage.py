"""Object storage in operation (issue 19, point 2), against a real S3-protocol server (moto in server mode):
readiness checks the bucket, and `move_files_to_object_storage` copies the local files under the same names,
verifies each by SHA-256, leaves identical ones alone and names any file a row refers to that is missing."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from core.uploads import private_storage
from tests import factories
from tests.conftest import free_port, s3_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_media_folder_of_its_own(settings, tmp_path):
    """The move walks the whole local folder: only this test's files, not every file the run uploaded."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_readiness_checks_the_bucket_and_names_storage_when_it_is_unreachable(s3_storage, settings):
    assert Client().get("/readyz").content == b"ready\n"
    settings.STORAGES = {**settings.STORAGES, "private": s3_private_storage(f"http://127.0.0.1:{free_port()}", "x")}
    response = Client().get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready: storage\n")


def test_local_files_move_to_the_bucket_under_the_same_names_each_checked(settings, s3_server, s3_storage, capsys):
    s3 = settings.STORAGES["private"]  # the files are written locally first, as before the move
    settings.STORAGES = {**settings.STORAGES, "private": {"BACKEND": "core.uploads.PrivateStorage"}}
    doc = factories.ApplicationDocumentFactory()
    extra = private_storage().save("decisions/2026/决定.pdf", io.BytesIO(b"%PDF-1.4 decision"))
    names = {doc.file.name: hashlib.sha256(doc.file.open("rb").read()).hexdigest(), extra: None}
    settings.STORAGES = {**settings.STORAGES, "private": s3}

    call_command("move_files_to_object_storage", "--dry-run")
    assert f"将复制 {extra}" in capsys.readouterr().out
    assert not list(s3_storage.objects.all())  # a dry run uploads nothing
    call_command("move_files_to_object_storage")
    out = capsys.readouterr().out
    assert "已复制并校验" in out and "数据库引用的文件均已在对象存储中" in out
    keys = {item.key: item for item in s3_storage.objects.all()}
    for name, digest in names.items():
        assert f"private/{name}" in keys
        if digest:
            assert hashlib.sha256(keys[f"private/{name}"].get()["Body"].read()).hexdigest() == digest
    doc.refresh_from_db()
    assert doc.file.open("rb").read()  # the row, unchanged, now reads from the bucket

    call_command("move_files_to_object_storage")
    assert "已复制并校验 0 个文件" in capsys.readouterr().out  # a second run finds each copy identical


def test_the_move_names_a_file_a_row_refers_to_that_is_nowhere(s3_storage, capsys):
    doc = factories.ApplicationDocumentFactory()  # saved straight to the bucket
    private_storage().delete(doc.file.name)
    with pytest.raises(CommandError, match="迁移未完成"):
        call_command("move_files_to_object_storage")
    assert doc.file.name in capsys.readouterr().err


def test_the_move_refuses_while_the_private_files_are_still_local():
    with pytest.raises(CommandError, match="S3_BUCKET"):
        call_command("move_files_to_object_storage")
