"""Checked private files: the type is read from the content, the size is capped, names are cleaned,
files live outside any served folder and leave only through an authorising view as attachments."""

import hashlib
import logging
import os
import re
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import LazyObject, cached_property, empty
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger(__name__)

KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "jpg": ("image/jpeg", "JPEG图片"),
    "png": ("image/png", "PNG图片"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word文档"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel表格"),
}
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
ALLOWED_TEXT = "PDF、JPG、PNG、DOCX、XLSX"
_BAD_NAME_CHARS = set('<>:"/\\|?*')


class PrivateStorage(FileSystemStorage):
    """Uploads under MEDIA_ROOT/private (never served by a static route).

    The location follows MEDIA_ROOT when it changes (FileSystemStorage clears these cached
    properties on setting_changed), instead of being fixed when the models are imported.
    """

    @cached_property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private")

    @cached_property
    def location(self):
        return os.path.abspath(self.base_location)


class _PrivateStorage(LazyObject):
    """The storage named "private" in STORAGES, looked up when first used and again after the settings change.

    Local files (PrivateStorage) by default; S3-compatible object storage (django-storages) when the
    environment configures it (config/settings.py). File fields name `private_storage`, so every upload and
    every generated file follows the setting; the files still leave only through the authorising views.
    """

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _storage_setting_changed(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_ROOT"}:
        _private_storage._wrapped = empty


def private_storage() -> Storage:
    """The storage of every private upload (a callable, so migrations name it rather than a path)."""
    return _private_storage


def upload_path(instance, filename: str) -> str:
    """A random name under the record's app and month: nothing of the user's file name reaches the disk."""
    ext = getattr(instance, "kind", "") or "bin"
    return f"{instance._meta.app_label}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


def sniff(head: bytes, fileobj) -> str | None:
    """The kind of file from its first bytes (and, for Office files, the package's parts)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
            return None  # not an Office package, or one carrying macros
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def clean_name(name: str) -> str:
    """The user's file name as shown back to people: printable, no path, no reserved characters."""
    name = unicodedata.normalize("NFC", name or "")
    if any(part in name for part in ("..", "/", "\\", "\x00")):
        raise ValidationError("文件名不合法（不能包含路径或“..”），请重命名后再上传。", code="bad_name")
    name = "".join(ch for ch in name if ch.isprintable() and ch not in _BAD_NAME_CHARS).strip().lstrip(".")
    if not name:
        raise ValidationError("文件名不合法，请重命名后再上传。", code="bad_name")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:110] + dot + ext[:8]) if dot else name[:120]
    return name


@dataclass
class CheckedUpload:
    file: object
    kind: str
    content_type: str
    original_name: str
    size: int
    sha256: str


def check(uploaded) -> CheckedUpload:
    """Accept a file only if its content is one of the allowed kinds and it is within the size limit."""
    if uploaded is None:
        raise ValidationError("请选择要上传的文件。", code="required")
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            "文件“%(name)s”大小为%(size)s，超过了%(limit)s的上限。",
            params={"name": uploaded.name, "size": human_size(uploaded.size), "limit": human_size(limit)},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError("文件“%(name)s”是空文件。", params={"name": uploaded.name}, code="empty")
    name = clean_name(uploaded.name)
    uploaded.seek(0)
    head = uploaded.read(16)
    kind = sniff(head, uploaded)
    if kind is None:
        raise ValidationError(
            "文件“%(name)s”的内容不是允许的类型，只接受%(allowed)s文件（按文件内容识别，不看扩展名）。",
            params={"name": name, "allowed": ALLOWED_TEXT},
            code="bad_type",
        )
    if kind == "pdf" and (found := pdf_active_content(uploaded)):
        raise ValidationError(
            "文件“%(name)s”含有%(found)s，可能在打开时自动运行或释放其他文件，出于安全考虑不予接受。"
            "请用“打印为PDF”或“另存为PDF”重新生成不含这些内容的文件后再上传。",
            params={"name": name, "found": "、".join(found)},
            code="active_pdf",
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(uploaded, kind, KINDS[kind][0], name, uploaded.size, digest.hexdigest())


# Active content a PDF reader may run or hand to the system when the file is opened (issue 19 (8)):
# the PDF name that gives it away, and what the uploader is told.
PDF_ACTIVE_NAMES = {
    "JS": "JavaScript脚本",
    "JavaScript": "JavaScript脚本",
    "Launch": "启动外部程序的操作",
    "EmbeddedFile": "嵌入的文件",
    "EmbeddedFiles": "嵌入的文件",
}
_PDF_NAME = re.compile(rb"/((?:[^\x00\t\n\f\r ()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


def _names_in(data: bytes) -> set[str]:
    """The PDF names written in `data` (`/J#61vaScript` read as /JavaScript)."""
    return {
        _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1)).decode("latin-1") for m in _PDF_NAME.finditer(data)
    }


def _raw_names(data: bytes) -> set[str]:
    """The names of the file's own syntax: everything outside streams, and inside object streams (where compressed
    PDFs keep their dictionaries). Page contents and images are not read: their bytes are not PDF syntax."""
    names = _names_in(_PDF_STREAM.sub(b"stream endstream", data))
    for match in _PDF_STREAM.finditer(data):
        head = data[max(0, match.start() - 512) : match.start()]
        if b"ObjStm" not in head.rpartition(b"obj")[2]:
            continue
        try:
            body = zlib.decompressobj().decompress(match.group(1), 64 * 1024 * 1024)
        except zlib.error:
            body = match.group(1)
        names |= _names_in(body)
    return names


def _structure_names(fileobj) -> set[str]:
    """The keys and name values of every object in the file as pypdf reads it (object streams included)."""
    names: set[str] = set()
    reader = PdfReader(fileobj, strict=False)
    pending = [reader.trailer]
    for generation, objects in reader.xref.items():
        pending += [IndirectObject(num, generation, reader) for num in objects]
    pending += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    seen = 0
    while pending and seen < 1_000_000:
        seen += 1
        item = pending.pop()
        if isinstance(item, IndirectObject):
            item = item.get_object()  # each object is walked once from the cross-reference list, not followed
            if isinstance(item, IndirectObject | type(None)):
                continue
        if isinstance(item, DictionaryObject):
            names |= {str(key)[1:] for key in item}
            pending += [v for v in item.values() if not isinstance(v, IndirectObject)]
        elif isinstance(item, ArrayObject):
            pending += [v for v in item if not isinstance(v, IndirectObject)]
        elif isinstance(item, NameObject):
            names.add(str(item)[1:])
    return names


def pdf_active_content(uploaded) -> list[str]:
    """What active content a PDF carries (JavaScript, launch actions, embedded files), for the refusal; empty if
    none. The file's syntax is read twice: as pypdf parses it, and as raw names outside the page contents (with
    object streams decompressed), so neither a file pypdf cannot parse nor an escaped name slips through."""
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    names = _raw_names(data)
    try:
        names |= _structure_names(uploaded)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, zlib.error, OSError) as error:
        logger.info("pypdf could not read an uploaded PDF (%s); its raw syntax was checked", error)
    uploaded.seek(0)
    return sorted(
        {PDF_ACTIVE_NAMES[n] for n in names if n in PDF_ACTIVE_NAMES}, key=list(PDF_ACTIVE_NAMES.values()).index
    )


SHEET_TEXT = "Excel（.xlsx）或CSV"


def check_sheet(uploaded) -> CheckedUpload:
    """Accept a filled template: an Excel workbook (by its content) or a CSV file (by its name, and content that
    is text, not a binary file renamed)."""
    if uploaded is not None and uploaded.name.lower().endswith(".csv") and uploaded.size:
        name = clean_name(uploaded.name)
        uploaded.seek(0)
        head = uploaded.read(4096)
        if b"\x00" in head or sniff(head[:16], uploaded) is not None or head.startswith(b"PK\x03\x04"):
            raise ValidationError(
                "文件“%(name)s”不是CSV文本文件，请上传%(allowed)s文件。",
                params={"name": name, "allowed": SHEET_TEXT},
                code="bad_type",
            )
        if uploaded.size > settings.UPLOAD_MAX_BYTES:
            return check(uploaded)  # the size message
        digest = hashlib.sha256()
        uploaded.seek(0)
        for chunk in uploaded.chunks():
            digest.update(chunk)
        uploaded.seek(0)
        return CheckedUpload(uploaded, "csv", "text/csv", name, uploaded.size, digest.hexdigest())
    try:
        checked = check(uploaded)
    except ValidationError as error:
        if error.code != "bad_type":
            raise
        checked = None
    if checked is None or checked.kind != "xlsx":
        raise ValidationError(
            "文件“%(name)s”不是表格文件，请上传%(allowed)s文件（按文件内容识别，不看扩展名）。",
            params={"name": clean_name(uploaded.name), "allowed": SHEET_TEXT},
            code="bad_type",
        )
    return checked


def store(document, checked: CheckedUpload):
    """Give a document row (any model with file, kind, content_type, original_name and size) the checked
    upload's facts, save the file under its clean name, then the row."""
    document.kind, document.content_type = checked.kind, checked.content_type
    document.original_name, document.size = checked.original_name, checked.size
    document.file.save(checked.original_name, checked.file, save=False)
    document.save()
    return document


def serve(fieldfile, *, filename: str, content_type: str) -> FileResponse:
    """Send a stored file as a download; callers authorise first."""
    response = FileResponse(fieldfile.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop keeping a file as soon as it passes UPLOAD_MAX_BYTES, instead of after it is all on disk.

    The oversized file is skipped (nothing of it is stored) and noted on the request, so the page can
    say which file was too large while every other field of the form is still read and kept.
    """

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            oversized = getattr(self.request, "oversized_uploads", {})
            oversized[self.field_name] = self.file_name
            self.request.oversized_uploads = oversized
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def oversized_message(file_name: str) -> str:
    return f"文件“{file_name}”超过了{human_size(settings.UPLOAD_MAX_BYTES)}的上限，未上传。"


def oversized(request) -> dict[str, str]:
    """The file inputs whose files were too large to keep: {input name: message}."""
    request.FILES  # noqa: B018 - parsing the body is what records the refusals
    return {name: oversized_message(file_name) for name, file_name in getattr(request, "oversized_uploads", {}).items()}


def form_is_valid(request, form) -> bool:
    """Validate a form with file inputs, naming any file that was refused for its size at its field."""
    valid = form.is_valid()
    for name, message in oversized(request).items():
        if name in form.fields:
            form.errors[name] = form.error_class([message])
            valid = False
    return valid
