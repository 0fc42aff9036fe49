"""The restore drill (issue 19, point 9): scripts/backup dumps the real PostgreSQL database and the uploaded
files, encrypted; scripts/restore brings them back into a fresh database and folder, and the row counts and a
file's checksum match. A damaged copy, a wrong passphrase and a database that is not empty are refused, and
backups older than the retention are removed."""

import hashlib
import io
import os
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Institution
from core.uploads import private_storage
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parents[2]


def url(name: str) -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def admin_sql(sql: str) -> None:
    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(sql)


def script(name: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / name), *map(str, args)],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def drill(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup scripts back up PostgreSQL (CI runs it)")
    restored = f"{connection.settings_dict['NAME']}_restored"[:63]
    admin_sql(f'DROP DATABASE IF EXISTS "{restored}"')
    admin_sql(f'CREATE DATABASE "{restored}"')
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple\n")
    yield {
        "source": {"DATABASE_URL": url(connection.settings_dict["NAME"]), "MEDIA_ROOT": settings.MEDIA_ROOT},
        "restored": restored,
        "passphrase": str(passphrase),
        "backups": tmp_path / "backups",
        "media": tmp_path / "media-restored",
    }
    connection.close()
    admin_sql(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def backup(drill) -> Path:
    done = script("backup", drill["backups"], env={**drill["source"], "BACKUP_PASSPHRASE_FILE": drill["passphrase"]})
    assert done.returncode == 0, done.stderr
    [folder] = [path for path in drill["backups"].iterdir() if path.name.startswith("jxjy-")]
    return folder


def restore(drill, folder: Path, passphrase: str | None = None) -> subprocess.CompletedProcess:
    env = {
        "DATABASE_URL": url(drill["restored"]),
        "MEDIA_ROOT": str(drill["media"]),
        "BACKUP_PASSPHRASE_FILE": passphrase or drill["passphrase"],
    }
    return script("restore", folder, env=env)


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(drill):
    institutions = factories.InstitutionFactory.create_batch(3)
    stored = private_storage().save("drill/申请材料.pdf", io.BytesIO(b"%PDF-1.4 drill file"))
    checksum = hashlib.sha256(private_storage().open(stored).read()).hexdigest()

    folder = backup(drill)
    assert {path.name for path in folder.iterdir()} == {
        "db.dump.gpg",
        "media.tar.gpg",
        "media.sha256.gpg",
        "rows.tsv",
        "SHA256SUMS",
    }
    assert b"drill file" not in (folder / "media.tar.gpg").read_bytes()  # encrypted

    done = restore(drill, folder)
    assert done.returncode == 0, done.stderr
    assert "restored and checked" in done.stdout
    with psycopg.connect(url(drill["restored"])) as restored:
        names = {row[0] for row in restored.execute(f'SELECT name FROM "{Institution._meta.db_table}"')}
        migrations = restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert {institution.name for institution in institutions} <= names
    assert len(names) == Institution.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        assert migrations == cursor.fetchone()[0]
    assert hashlib.sha256((drill["media"] / "private" / stored).read_bytes()).hexdigest() == checksum


def test_a_damaged_copy_a_wrong_passphrase_and_a_database_in_use_are_refused(drill, tmp_path):
    factories.InstitutionFactory()
    folder = backup(drill)

    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    assert restore(drill, folder, passphrase=str(wrong)).returncode != 0

    admin_sql(f'DROP DATABASE "{drill["restored"]}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{drill["restored"]}"')
    for child in drill["media"].rglob("*"):
        if child.is_file():
            child.unlink()
    assert restore(drill, folder).returncode == 0
    for child in sorted(drill["media"].rglob("*"), reverse=True):
        child.unlink() if child.is_file() else child.rmdir()
    again = restore(drill, folder)
    assert again.returncode != 0 and "restore into an empty database" in again.stderr

    damaged = folder / "media.tar.gpg"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    refused = restore(drill, folder)
    assert refused.returncode != 0 and "damaged copy" in refused.stderr


def test_backups_older_than_the_retention_are_removed_and_a_missing_passphrase_writes_nothing(drill):
    old = drill["backups"] / "jxjy-20250101T000000Z"
    old.mkdir(parents=True)
    os.utime(old, (0, 0))
    done = script(
        "backup",
        drill["backups"],
        env={**drill["source"], "BACKUP_PASSPHRASE_FILE": drill["passphrase"], "BACKUP_KEEP_DAYS": "30"},
    )
    assert done.returncode == 0, done.stderr
    assert not old.exists()
    assert "removed (older than 30 days)" in done.stdout

    before = sorted(path.name for path in drill["backups"].iterdir())
    missing = script("backup", drill["backups"], env={**drill["source"], "BACKUP_PASSPHRASE_FILE": "/nonexistent"})
    assert missing.returncode != 0
    assert sorted(path.name for path in drill["backups"].iterdir()) == before
