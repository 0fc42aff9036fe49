"""OWASP A04/A08 (unrestricted file upload), SPEC 5: at every place a file can be uploaded, a file over the size
limit is dropped by the upload handler while the request is read (nothing of it is kept), the type is read from
the content (an HTML page named .pdf, a macro document, a program are refused), the user's file name never
reaches the disk (stored names are random), and a file leaves only as what its content is."""

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse

from applications.models import ApplicationDocument, Objection
from bases.models import ChangeFiling, CoursewareReview
from core import uploads
from experts.models import ScoreDocument
from supervision.models import Item, Revocation, SupervisionDocument
from supervision.services import cancellation_draft
from tests import factories
from tests.urlbook import URLS

from . import pdf_samples
from .helpers import rolled_back

pytestmark = pytest.mark.django_db

HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def ooxml(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCM = ooxml({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": "<w:document/>", "word/vbaProject.bin": "x"})
XLSM = ooxml({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": "x"})
ZIP = ooxml({"readme.txt": "not an office document"})

BAD_FILES = {
    "html named .pdf": ("报告.pdf", HTML_AS_PDF, "application/pdf"),
    "docm": ("制度.docm", DOCM, "application/vnd.ms-word.document.macroEnabled.12"),
    "docm named .docx": ("制度.docx", DOCM, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsm named .xlsx": ("统计.xlsx", XLSM, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "zip named .docx": ("制度.docx", ZIP, "application/zip"),
    "program named .pdf": ("说明.pdf", PROGRAM, "application/pdf"),
    "svg named .png": ("图.png", SVG, "image/png"),
}
RECORDS = (
    ApplicationDocument,
    SupervisionDocument,
    ChangeFiling,
    Objection,
    Revocation,
    ScoreDocument,
    CoursewareReview,
)


def book(name):
    return next(u for u in URLS if u.name == name)


def with_file(name, field):
    """The URL book's successful POST of `name`, with the file (or one more) in `field`."""
    entry = book(name)
    return lambda w, f: {**entry.data(w), field: f}


# Every place a file is uploaded: who, the URL, the data with the file, and what must be in place first.
UPLOAD_POINTS = {
    "application edit page": (
        "institution_own",
        lambda w: reverse("applications:edit", args=[w.draft.pk]),
        with_file("applications:edit", "doc_other"),
        None,
    ),
    "site-visit material": (
        "province",
        lambda w: reverse("applications:upload", args=[w.visit_app.pk]),
        with_file("applications:upload", "file"),
        None,
    ),
    "objection evidence": (
        "anonymous",
        lambda w: reverse("applications:objection", args=[w.notice.pk]),
        with_file("applications:objection", "evidence"),
        None,
    ),
    "change filing evidence": (
        "institution_own",
        lambda w: reverse("bases:change_new", args=[w.base.pk]),
        with_file("bases:change_new", "evidence"),
        book("bases:change_new").prepare,
    ),
    "courseware review file": (
        "institution_own",
        lambda w: reverse("bases:review_new", args=[w.course.pk]),
        with_file("bases:review_new", "file"),
        None,
    ),
    "inspection item attachment": (
        "inspector",
        lambda w: reverse("supervision:record", args=[w.assigned_inspection.pk]),
        with_file("supervision:record", f"file_{Item.values[0]}"),
        None,
    ),
    "rectification report attachment": (
        "institution_own",
        lambda w: reverse("supervision:rectification_report", args=[w.rectification.pk]),
        with_file("supervision:rectification_report", "attachment"),
        None,
    ),
    "revocation decision": (
        "province",
        lambda w: reverse("supervision:revoke", args=[w.base.pk]),
        with_file("supervision:revoke", "document"),
        book("supervision:revoke").prepare,  # the institution was heard: the POST decides
    ),
    "expert's scored form attachment": (
        "expert",
        lambda w: reverse("experts:sheet_edit", args=[w.sheet_seat.pk]),  # its correction, a draft
        with_file("experts:sheet_edit", "attachment"),
        None,
    ),
}


def stored_files() -> set[Path]:
    """The uploaded files on disk (the decision documents the portal issues itself are not uploads)."""
    roots = {Path(ApplicationDocument._meta.get_field("file").storage.location), Path(django_settings.MEDIA_ROOT)}
    return {
        p
        for root in roots
        if root.exists()
        for p in root.rglob("*")
        if p.is_file() and "decisions" not in p.relative_to(root).parts
    }


def record_counts() -> dict:
    return {model.__name__: model.objects.count() for model in RECORDS}


def post(w, as_role, point, file):
    role, url, data, prepare = UPLOAD_POINTS[point]
    if prepare:
        prepare(w)
    return as_role(role).post(url(w), data(w, file), follow=True)


def test_every_upload_point_of_the_project_is_covered():
    """Views that read request.FILES (or take a form with a file field) are the upload points above."""
    root = Path(__file__).resolve().parents[2]
    readers = set()
    for path in [*root.glob("*/views.py"), *root.glob("*/views/*.py")]:
        app = path.parent.parent.name if path.parent.name == "views" else path.parent.name
        text = path.read_text()
        for match in re.finditer(r"\ndef (\w+)\(request[^)]*\):\n(.*?)(?=\n(?:@|def )|\Z)", text, re.S):
            if "request.FILES" in match.group(2) or "form_is_valid" in match.group(2):
                readers.add(f"{app}.{match.group(1)}")
    assert readers == {
        "applications.edit",
        "applications.upload",
        "applications.objection",
        "bases.change_new",
        "bases.review_new",
        # the faculty template is read, never stored: the upload check refuses what is not an xlsx, and the
        # sheet is read row by row (tests/bases/test_art16_faculty_pool.py)
        "bases.faculty_import",
        # the training sheet is kept (the import's record), but only after core.uploads.check_sheet accepted it
        # as a workbook or a text CSV, and it is never served back; tests/training/test_art18_import.py
        "training.import_page",
        "supervision.record",
        "supervision.rectification_report",
        "supervision.revoke",
        "supervision.cancellation_detail",
        "applications.hearing_detail",
        "experts.sheet_edit",
    }, sorted(readers)


def test_the_controls_a_good_pdf_is_accepted_at_every_upload_point(w, as_role):
    for point in UPLOAD_POINTS:
        with rolled_back():
            before_files, before = stored_files(), record_counts()
            response = post(w, as_role, point, factories.pdf_file("良好.pdf"))
            assert response.status_code == 200, point
            assert len(stored_files() - before_files) == 1, f"{point}: the good PDF was not stored"
            assert record_counts() != before, point


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_file_whose_content_is_not_an_allowed_type_is_refused_at_every_upload_point(w, as_role, kind):
    name, content, claimed = BAD_FILES[kind]
    for point in UPLOAD_POINTS:
        before_files, before = stored_files(), record_counts()
        response = post(w, as_role, point, SimpleUploadedFile(name, content, content_type=claimed))
        page = response.content.decode()
        assert "不是允许的类型" in page or "内容不是允许的类型" in page, f"{point}: {kind} not refused in Chinese"
        assert stored_files() == before_files, f"{point}: {kind} reached the disk"
        assert record_counts() == before, f"{point}: {kind} was recorded"


@pytest.fixture
def handler_spy(monkeypatch):
    """What the size-limit handler refused, and how many bytes the handlers after it (memory, temporary file)
    were given."""
    seen = {"skipped": 0, "passed_on": 0}
    limit_chunk = uploads.SizeLimitUploadHandler.receive_data_chunk

    def size_limit(self, raw_data, start):
        try:
            return limit_chunk(self, raw_data, start)
        except SkipFile:
            seen["skipped"] += 1
            raise

    temporary_chunk = TemporaryFileUploadHandler.receive_data_chunk

    def temporary(self, raw_data, start):
        seen["passed_on"] += len(raw_data)
        return temporary_chunk(self, raw_data, start)

    monkeypatch.setattr(uploads.SizeLimitUploadHandler, "receive_data_chunk", size_limit)
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", temporary)
    return seen


@pytest.mark.parametrize("point", UPLOAD_POINTS)
def test_a_file_over_the_limit_is_dropped_while_the_request_is_read_and_nothing_of_it_is_kept(
    w, as_role, settings, tmp_path, handler_spy, point
):
    settings.UPLOAD_MAX_BYTES = 100 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # without the limit handler it would go to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "incoming")
    (tmp_path / "incoming").mkdir()
    size = 3 * 1024 * 1024
    big = SimpleUploadedFile("巨大.pdf", factories.TINY_PDF + b"0" * size, content_type="application/pdf")
    before_files, before = stored_files(), record_counts()

    response = post(w, as_role, point, big)

    assert handler_spy["skipped"] == 1, "SizeLimitUploadHandler did not stop the file"
    assert handler_spy["passed_on"] <= settings.UPLOAD_MAX_BYTES, "more than the limit was passed on"
    assert "超过了100 KB的上限" in response.content.decode(), f"{point}: the page does not say why"
    assert stored_files() == before_files
    assert record_counts() == before
    assert list((tmp_path / "incoming").iterdir()) == [], "a temporary file of the upload was left behind"


@pytest.mark.parametrize("point", UPLOAD_POINTS)
def test_a_file_name_with_path_parts_never_reaches_the_disk_the_stored_name_is_random(w, as_role, point):
    before_files = stored_files()
    evil = "../../../../tmp/evil-名字.pdf"
    response = post(w, as_role, point, factories.pdf_file(evil))
    assert response.status_code == 200
    new = stored_files() - before_files
    assert len(new) == 1, f"{point}: the file was not stored"
    (path,) = new
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", path.name), path.name
    storage_root = Path(ApplicationDocument._meta.get_field("file").storage.location).resolve()
    assert path.resolve().is_relative_to(storage_root)
    assert not any("evil" in str(p) for p in stored_files())
    assert not Path("/tmp/evil-名字.pdf").exists()


@pytest.mark.parametrize("name", ["../x.pdf", "..\\..\\x.pdf", "/etc/x.pdf", "a/b.pdf", "x\x00.pdf", "..", "...pdf"])
def test_a_name_with_path_parts_is_refused_by_the_name_check_itself(name):
    """Django keeps only the last part of an uploaded file's name; the portal's own check refuses the rest."""
    with pytest.raises(ValidationError) as refused:
        uploads.clean_name(name)
    assert refused.value.code == "bad_name"


def test_a_backslashed_name_that_survives_the_parser_is_refused_by_the_upload_check():
    with pytest.raises(ValidationError) as refused:
        uploads.check(SimpleUploadedFile("..\\..\\x.pdf", factories.TINY_PDF, content_type="application/pdf"))
    assert refused.value.code == "bad_name"


def test_a_file_is_served_as_what_its_content_is_not_what_the_uploader_claimed(w, as_role):
    """A PDF uploaded as text/html comes back as an application/pdf attachment with nosniff."""
    before = set(ApplicationDocument.objects.values_list("pk", flat=True))
    as_role("institution_own").post(
        reverse("applications:edit", args=[w.draft.pk]),
        {
            **book("applications:edit").data(w),
            "save": "1",
            "doc_other": SimpleUploadedFile("页面.html.pdf", factories.TINY_PDF, content_type="text/html"),
        },
    )
    (doc,) = ApplicationDocument.objects.exclude(pk__in=before)
    response = as_role("recommender_own").get(reverse("applications:download", args=[w.draft.pk, doc.pk]))
    assert response.status_code == 404, "a draft is not the recommender's"
    response = as_role("province").get(reverse("applications:download", args=[w.draft.pk, doc.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_grant_of_cancellation_with_a_macro_document_is_refused_and_the_base_stays(w, as_role):
    """The one upload point not in the table above: the province granting a cancellation request."""
    before_files = stored_files()
    response = as_role("province").post(
        reverse("supervision:cancellation", args=[w.cancellation.pk]),
        {
            "grant": "1",
            "decision": "同意取消",
            "effective_on": "2030-01-01",
            "decision_number": "闽人社文〔2030〕2号",
            "document": SimpleUploadedFile("决定.docx", DOCM),
            # the announcement was previewed (issue 15 (7)): the POST decides, and meets the file
            "digest": cancellation_draft(w.cancellation, decision="同意取消", effective_on=date(2030, 1, 1)).digest,
        },
    )
    assert "不是允许的类型" in response.content.decode()
    w.base.refresh_from_db()
    assert w.base.status == "active"
    assert stored_files() == before_files
    assert Client().get(reverse("public:base", args=[w.base.pk])).status_code != 404


ACTIVE_PDFS = {
    f"{kind}, {layout.__name__.replace('_', ' ')}": layout(*parts)
    for kind, parts in pdf_samples.ACTIVE.items()
    for layout in (pdf_samples.plain, pdf_samples.object_stream)
}


@pytest.mark.parametrize("kind", ACTIVE_PDFS)
def test_issue19_a_pdf_carrying_javascript_a_launch_action_or_an_embedded_file_is_refused(kind):
    """Inside compressed object streams too, and with names written in #xx escapes."""
    with pytest.raises(ValidationError) as refused:
        uploads.check(factories.pdf_file("通知.pdf", ACTIVE_PDFS[kind]))
    assert refused.value.code == "active_pdf"
    message = refused.value.messages[0]
    assert "通知.pdf" in message and "不予接受" in message
    expected = {"launch": "启动外部程序的操作", "embedded": "嵌入的文件"}
    assert next((text for word, text in expected.items() if word in kind), "JavaScript脚本") in message


@pytest.mark.parametrize("layout", [pdf_samples.plain, pdf_samples.object_stream])
def test_issue19_the_controls_plain_pdfs_in_both_layouts_are_accepted(layout):
    checked = uploads.check(factories.pdf_file("材料.pdf", layout()))
    assert checked.kind == "pdf"


def test_issue19_a_pdf_that_pypdf_cannot_parse_is_still_read_for_active_names():
    broken = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>>>endobj\n%%EOF"
    with pytest.raises(ValidationError) as refused:
        uploads.check(factories.pdf_file("坏.pdf", broken))
    assert refused.value.code == "active_pdf"


def test_issue19_a_pdf_with_javascript_is_refused_at_every_upload_point(w, as_role):
    evil = ACTIVE_PDFS["open action with JavaScript, object stream"]
    for point in UPLOAD_POINTS:
        before_files, before = stored_files(), record_counts()
        response = post(w, as_role, point, factories.pdf_file("通知.pdf", evil))
        assert "含有JavaScript脚本" in response.content.decode(), f"{point}: not refused in Chinese"
        assert stored_files() == before_files, f"{point}: the PDF reached the disk"
        assert record_counts() == before, f"{point}: the PDF was recorded"


@pytest.mark.parametrize("kind", ["launch action, plain", "embedded file, object stream", "escaped name, plain"])
def test_issue19_the_refusal_stands_at_the_upload_field_and_the_rest_of_the_form_is_kept(w, as_role, kind):
    """The objection form (anyone may object during a 公示): name, contact and facts come back as typed."""
    data = {**book("applications:objection").data(w), "evidence": factories.pdf_file("证据.pdf", ACTIVE_PDFS[kind])}
    before = Objection.objects.count()
    response = as_role("anonymous").post(reverse("applications:objection", args=[w.notice.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "不予接受" in " ".join(form.errors.get("evidence", [])), form.errors
    page = response.content.decode()
    assert "张群众" in page and "13900000000" in page and "教学场所不足。" in page
    assert Objection.objects.count() == before
