"""SPEC 5 uploads on the application's edit page: type read from the content, a size cap, clean names,
private storage, downloads only for those who may see the application, and nothing typed is lost."""

import os
import re

import pytest
from django.conf import settings
from django.urls import reverse

from applications import services
from applications.models import ApplicationDocument, Condition, State
from core.errors import RuleViolation
from tests import factories

from .conftest import (
    FAKE_EXE,
    TINY_DOCM,
    TINY_DOCX,
    TINY_PNG,
    TINY_XLSX,
    complete_draft,
    edit_data,
    last_event,
    upload,
)

pytestmark = pytest.mark.django_db


def edit_url(app):
    return reverse("applications:edit", args=[app.pk])


def row(page: str, condition: str) -> str:
    """The documents table row of one condition on the edit page."""
    match = re.search(rf'<tr id="field-doc_{condition}".*?</tr>', page, re.S)
    assert match, f"no row for {condition}"
    return match.group(0)


def current_docs(app):
    return list(app.documents.filter(replaced_at=None).order_by("id"))


@pytest.fixture
def inst(institution_user, client_as):
    return client_as(institution_user)


def post_with(inst, app, files: dict, **fields):
    data = edit_data(app, **fields)
    data.update(files)
    return inst.post(edit_url(app), data)


# -- refusals: the file is refused next to its row, everything else of the POST is kept ------------------


def test_oversized_file_is_refused_next_to_its_row_and_the_typed_text_is_saved(draft, inst, settings):
    settings.UPLOAD_MAX_BYTES = 64
    before = current_docs(draft)
    response = post_with(
        inst, draft, {"doc_other": upload("大文件.pdf", factories.TINY_PDF + b"x" * 100)}, introduction="同时填写的简介"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "草稿已保存，但有文件未能上传" in page
    cell = row(page, "other")
    assert "超过了" in cell and "64 字节的上限" in cell and "大文件.pdf" in cell and "is-invalid" in cell
    draft.refresh_from_db()
    assert draft.introduction == "同时填写的简介"
    assert current_docs(draft) == before and not draft.documents.filter(condition=Condition.OTHER).exists()


def test_renamed_executable_is_refused_as_not_an_allowed_type(draft, inst):
    before = current_docs(draft)
    response = post_with(inst, draft, {"doc_credit": upload("x.pdf", FAKE_EXE)}, introduction="简介二")
    cell = row(response.content.decode(), "credit")
    assert "不是允许的类型" in cell and "PDF、JPG、PNG、DOCX、XLSX" in cell
    draft.refresh_from_db()
    assert draft.introduction == "简介二" and current_docs(draft) == before


def test_office_file_carrying_macros_is_refused(draft, inst):
    response = post_with(inst, draft, {"doc_other": upload("制度.docx", TINY_DOCM, "application/octet-stream")})
    assert "不是允许的类型" in row(response.content.decode(), "other")
    assert not draft.documents.filter(condition=Condition.OTHER).exists()


def test_file_name_with_dotdot_is_refused_as_illegal(draft, inst):
    before = current_docs(draft)
    response = post_with(inst, draft, {"doc_other": upload("..%2F..%2Fevil.pdf")}, introduction="简介三")
    cell = row(response.content.decode(), "other")
    assert "文件名不合法" in cell
    draft.refresh_from_db()
    assert draft.introduction == "简介三" and current_docs(draft) == before


def test_a_bad_file_does_not_stop_a_good_one_in_the_same_post(draft, inst):
    response = post_with(
        inst,
        draft,
        {"doc_other": upload("x.pdf", FAKE_EXE), "doc_platform": upload("平台说明.pdf")},
        trains_online=True,
        platform_name="闽学在线",
    )
    page = response.content.decode()
    assert "不是允许的类型" in row(page, "other")
    assert "平台说明.pdf" in row(page, "platform")
    draft.refresh_from_db()
    assert draft.platform_name == "闽学在线"
    assert draft.documents.get(condition=Condition.PLATFORM).original_name == "平台说明.pdf"


def test_files_chosen_with_a_form_error_are_stored_and_the_typed_text_is_redisplayed(draft, inst):
    response = post_with(
        inst, draft, {"doc_other": upload("补充.pdf")}, teaching_capacity="-1", introduction="未保存的简介"
    )
    page = response.content.decode()
    assert "不能为负数。" in page and "未保存的简介" in page
    assert draft.documents.get(condition=Condition.OTHER).original_name == "补充.pdf"
    draft.refresh_from_db()
    assert draft.teaching_capacity == 200


# -- accepted kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, kind, content_type",
    [
        ("证明.pdf", factories.TINY_PDF, "pdf", "application/pdf"),
        ("场地照片.png", TINY_PNG, "png", "image/png"),
        ("制度.docx", TINY_DOCX, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("培训人数.xlsx", TINY_XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("扫描件.PDF.bin", factories.TINY_PDF, "pdf", "application/pdf"),  # the content decides, not the name
    ],
)
def test_allowed_kinds_are_accepted_by_their_content(draft, inst, institution_user, name, content, kind, content_type):
    response = post_with(inst, draft, {"doc_other": upload(name, content, "application/octet-stream")})
    assert response.status_code == 302 and response.url.endswith("#documents")
    doc = draft.documents.get(condition=Condition.OTHER)
    assert (doc.kind, doc.content_type, doc.original_name, doc.size) == (kind, content_type, name, len(content))
    assert doc.uploaded_by == institution_user
    ev = last_event(draft)
    assert (ev.action, ev.comment) == ("upload_document", name)


# -- replacing keeps the old file -------------------------------------------------------------------


def test_replacing_a_document_keeps_the_old_one_marked_and_downloadable(draft, inst):
    old = draft.documents.get(condition=Condition.CREDIT)
    response = post_with(inst, draft, {f"replace_{old.pk}": upload("新信用报告.pdf")})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.replaced_at is not None
    new = draft.documents.get(condition=Condition.CREDIT, replaced_at=None)
    assert new.original_name == "新信用报告.pdf" and new.pk != old.pk
    old_download = inst.get(reverse("applications:download", args=[draft.pk, old.pk]))
    assert old_download.status_code == 200 and b"".join(old_download.streaming_content) == factories.TINY_PDF
    page = inst.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "已替换或撤下的材料" in page and reverse("applications:download", args=[draft.pk, old.pk]) in page
    assert (last_event(draft).action, last_event(draft).comment) == ("replace_document", "材料.pdf → 新信用报告.pdf")


def test_a_refused_replacement_leaves_the_current_document_in_place(draft, inst):
    old = draft.documents.get(condition=Condition.CREDIT)
    response = post_with(inst, draft, {f"replace_{old.pk}": upload("x.pdf", FAKE_EXE)})
    assert "替换文件未成功" in response.content.decode()
    old.refresh_from_db()
    assert old.replaced_at is None and draft.documents.filter(condition=Condition.CREDIT).count() == 1


def test_removing_a_document_keeps_it_in_the_history(draft, inst):
    doc = draft.documents.get(condition=Condition.VENUE)
    data = edit_data(draft)
    data["remove"] = str(doc.pk)
    assert inst.post(edit_url(draft), data).status_code == 302
    doc.refresh_from_db()
    assert doc.replaced_at is not None
    assert inst.get(reverse("applications:download", args=[draft.pk, doc.pk])).status_code == 200


def test_documents_cannot_be_changed_once_submitted(draft, institution_user):
    services.submit(actor=institution_user, application_id=draft.pk)
    with pytest.raises(RuleViolation, match="不能修改"):
        services.upload_document(
            actor=institution_user, application_id=draft.pk, condition=Condition.OTHER, file=upload("late.pdf")
        )
    assert not draft.documents.filter(condition=Condition.OTHER).exists()


# -- downloads ----------------------------------------------------------------------------------------


def test_download_is_an_attachment_with_the_original_name(draft, inst):
    post_with(inst, draft, {"doc_other": upload("近三年培训情况.pdf")})
    doc = draft.documents.get(condition=Condition.OTHER)
    response = inst.get(reverse("applications:download", args=[draft.pk, doc.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_is_404_for_another_institution_and_another_unit(
    draft, institution_user, other_institution_user, recommender_user, xiamen_recommender, client_as
):
    doc = draft.documents.first()
    url = reverse("applications:download", args=[draft.pk, doc.pk])
    # a draft is the institution's own: not even its recommender sees it yet
    assert client_as(recommender_user).get(url).status_code == 404
    services.submit(actor=institution_user, application_id=draft.pk)
    assert client_as(recommender_user).get(url).status_code == 200
    assert client_as(other_institution_user).get(url).status_code == 404
    assert client_as(xiamen_recommender).get(url).status_code == 404
    # nor through another application's URL
    other = complete_draft(other_institution_user)
    assert (
        client_as(other_institution_user).get(reverse("applications:download", args=[other.pk, doc.pk])).status_code
        == 404
    )


def test_download_needs_a_login(draft, client):
    doc = draft.documents.first()
    response = client.get(reverse("applications:download", args=[draft.pk, doc.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# -- storage --------------------------------------------------------------------------------------------


def test_stored_files_live_in_the_private_folder_with_random_names(draft, inst):
    post_with(inst, draft, {"doc_other": upload("机构简介 原件.pdf"), "doc_priority": upload("认定文件.png", TINY_PNG)})
    docs = list(ApplicationDocument.objects.filter(condition__in=[Condition.OTHER, Condition.PRIORITY]))
    assert len(docs) == 2
    for doc in docs:
        private = doc.file.storage.location
        assert os.path.basename(private) == "private"
        path = doc.file.path
        assert path.startswith(private + os.sep) and os.path.exists(path)
        assert re.fullmatch(r"applications/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png)", doc.file.name)
        assert "认定" not in path and "简介" not in path and "原件" not in path
        with open(path, "rb") as stored:
            assert stored.read() in (factories.TINY_PDF, TINY_PNG)


def test_stored_files_live_under_the_configured_media_root(draft, inst):
    post_with(inst, draft, {"doc_other": upload("x.pdf")})
    doc = draft.documents.get(condition=Condition.OTHER)
    assert doc.file.path.startswith(os.path.join(settings.MEDIA_ROOT, "private") + os.sep)


def test_only_the_province_uploads_site_visit_material(draft, institution_user, province_user, client_as, drive):
    drive(draft, State.SITE_VISIT)
    prov = client_as(province_user)
    response = prov.post(
        reverse("applications:upload", args=[draft.pk]),
        {"condition": "site_visit", "file": upload("考察记录.pdf")},
    )
    assert response.status_code == 302
    assert draft.documents.get(condition=Condition.SITE_VISIT).uploaded_by == province_user
    assert (
        client_as(institution_user)
        .post(reverse("applications:upload", args=[draft.pk]), {"condition": "site_visit", "file": upload("x.pdf")})
        .status_code
        == 404
    )
