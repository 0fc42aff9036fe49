"""Move the private files from local storage (MEDIA_ROOT/private) to the configured object storage, checking
each copy (issue 19, point 2).

    S3_BUCKET=… S3_ENDPOINT_URL=… manage.py move_files_to_object_storage [--dry-run]

Each local file is uploaded under the same name (so no database row changes), read back and compared by
SHA-256; a file already there with the same checksum is left as it is, one with a different checksum is
reported and not overwritten. Then every file a database row names is looked up in the object storage. The
local files are kept: remove them once the portal has run on the object storage for a while. Exits non-zero
when any file failed or is missing.
"""

import hashlib
import os

from django.apps import apps
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from core.uploads import PrivateStorage, private_storage

CHUNK = 1024 * 1024


def checksum(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def remote_checksum(storage, name: str) -> str:
    with storage.open(name, "rb") as remote:
        return checksum(remote)


def referenced_names():
    """Every file name a row stores in a field on the private storage."""
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.FileField) and getattr(field, "_storage_callable", None) is private_storage
        ]
        for field in fields:
            yield from model._default_manager.exclude(**{field: ""}).values_list(field, flat=True).iterator()


class Command(BaseCommand):
    help = "把本地私有文件迁移到对象存储（逐个校验SHA-256），并核对数据库引用的文件都已在对象存储中。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将要复制的文件，不上传")

    def handle(self, *, dry_run, **options):
        target = storages["private"]
        if isinstance(target, PrivateStorage):
            raise CommandError("私有文件仍配置为本地存储：请先设置 S3_BUCKET 等对象存储环境变量。")
        source = PrivateStorage()
        copied = same = 0
        failed = []
        for folder, _, files in os.walk(source.location):
            for filename in sorted(files):
                path = os.path.join(folder, filename)
                name = os.path.relpath(path, source.location).replace(os.sep, "/")
                with open(path, "rb") as local:
                    local_sum = checksum(local)
                if target.exists(name):
                    if remote_checksum(target, name) == local_sum:
                        same += 1
                    else:
                        failed.append(f"{name}：对象存储中已有同名文件，但内容不同（未覆盖）")
                    continue
                if dry_run:
                    self.stdout.write(f"将复制 {name}")
                    copied += 1
                    continue
                with open(path, "rb") as local:
                    saved = target.save(name, File(local, name=name))
                if saved != name or remote_checksum(target, name) != local_sum:
                    failed.append(f"{name}：上传后校验不一致")
                    continue
                copied += 1
        missing = [] if dry_run else [name for name in referenced_names() if not target.exists(name)]
        verb = "将复制" if dry_run else "已复制并校验"
        self.stdout.write(f"{verb} {copied} 个文件；已存在且一致 {same} 个；失败 {len(failed)} 个。")
        for line in failed:
            self.stderr.write(line)
        if missing:
            self.stderr.write(f"数据库引用但对象存储中没有的文件 {len(missing)} 个：")
            for name in missing[:50]:
                self.stderr.write(f"  {name}")
        if failed or missing:
            raise CommandError("迁移未完成：见上方列出的文件。")
        if not dry_run:
            self.stdout.write("数据库引用的文件均已在对象存储中。")
