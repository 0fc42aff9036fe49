"""Art. 31: a base files changed key facts with evidence; the province accepts (the register shows the new
facts, the change is published and kept in the history) or returns it with a comment."""

import pytest
from django.urls import reverse

from bases.models import CHANGEABLE_FIELDS, Announcement, AnnouncementKind, Base, ChangeFiling, ChangeFilingState
from core.models import Notification
from tests import factories
from tests.helpers import post_confirmed, visible_text

pytestmark = pytest.mark.django_db

FAKE_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def change_data(base: Base, evidence=None, reason="单位更名，联系电话变更", **changes) -> dict:
    """What the change form posts: every changeable fact (current value unless changed), reason, evidence."""
    data = {field: getattr(base, field) for field in CHANGEABLE_FIELDS}
    data.update(changes)
    data["reason"] = reason
    data["evidence"] = evidence if evidence is not None else factories.pdf_file("更名核准通知书.pdf")
    return data


def file_change(client, base, **kwargs):
    return client.post(reverse("bases:change_new", args=[base.pk]), change_data(base, **kwargs))


@pytest.fixture
def filed(client_as, institution_user, own_base):
    """A filing of a new name and phone, submitted by the base's institution through the page."""
    response = file_change(
        client_as(institution_user), own_base, name="福州鼓山职业技术培训学院", phone="0591-88888888"
    )
    filing = ChangeFiling.objects.get(base=own_base)
    assert response.status_code == 302
    assert response["Location"] == reverse("bases:change_detail", args=[filing.pk])
    return filing


def test_change_accepted_updates_the_register_publishes_it_and_keeps_the_history(
    client_as, visitor, institution_user, province_user, own_base
):
    old_name, old_phone = own_base.name, own_base.phone
    institution = client_as(institution_user)
    province = client_as(province_user)

    # the institution files the change of name and phone, with a PDF as evidence
    page = institution.get(reverse("bases:change_new", args=[own_base.pk]))
    assert f'value="{old_name}"' in page.content.decode()  # the form starts from the current facts
    response = file_change(institution, own_base, name="福州鼓山职业技术培训学院", phone="0591-88888888")
    filing = ChangeFiling.objects.get(base=own_base)
    assert response.status_code == 302
    assert filing.state == ChangeFilingState.SUBMITTED
    assert filing.changes == {"name": "福州鼓山职业技术培训学院", "phone": "0591-88888888"}
    assert filing.old_values == {"name": old_name, "phone": old_phone}
    assert filing.evidence_name == "更名核准通知书.pdf" and filing.kind == "pdf"
    assert Notification.objects.filter(recipient=province_user, title=f"变更备案：{old_name}").exists()
    own_base.refresh_from_db()
    assert own_base.name == old_name  # nothing changes before the province accepts

    # the province sees the filing and accepts it
    page = province.get(reverse("bases:change_detail", args=[filing.pk]))
    text = visible_text(page)
    assert f"基地名称 {old_name} 福州鼓山职业技术培训学院" in text
    assert f"联系电话 {old_phone} 0591-88888888" in text
    assert "予以备案并公布" in text
    url = reverse("bases:change_detail", args=[filing.pk])
    # accepting publishes an announcement: its text is shown first, and nothing happens without confirmation
    preview = province.post(url, {"accept": "", "comment": ""})
    assert f"基地名称：由“{old_name}”变更为“福州鼓山职业技术培训学院”" in visible_text(preview)
    filing.refresh_from_db()
    assert filing.state == ChangeFilingState.SUBMITTED and not Announcement.objects.exists()
    response = post_confirmed(province, url, {"accept": "", "comment": ""}, follow=True)
    assert "已办理变更备案" in visible_text(response)

    filing.refresh_from_db()
    own_base.refresh_from_db()
    assert filing.state == ChangeFilingState.ACCEPTED and filing.decided_at is not None
    assert (own_base.name, own_base.phone) == ("福州鼓山职业技术培训学院", "0591-88888888")

    # the public page shows the new facts and the history of the change
    public = visible_text(visitor.get(reverse("public:base", args=[own_base.pk])))
    assert "福州鼓山职业技术培训学院" in public
    assert "0591-88888888" in public
    assert f"基地名称：{old_name} → 福州鼓山职业技术培训学院" in public
    assert f"联系电话：{old_phone} → 0591-88888888" in public

    # and the change is published as an announcement
    announcement = Announcement.objects.get(kind=AnnouncementKind.CHANGE, base=own_base)
    assert own_base.register_number in announcement.title
    assert f"基地名称：由“{old_name}”变更为“福州鼓山职业技术培训学院”" in announcement.body
    assert announcement.title in visible_text(visitor.get(reverse("public:announcements")))
    assert Notification.objects.filter(recipient=institution_user, title="变更备案已备案").exists()


def test_the_register_search_finds_the_base_by_its_new_name(client_as, visitor, province_user, filed):
    post_confirmed(client_as(province_user), reverse("bases:change_detail", args=[filed.pk]), {"accept": ""})

    response = visitor.get(reverse("public:register"), {"q": "职业技术培训"})

    assert "福州鼓山职业技术培训学院" in visible_text(response)


def test_every_version_of_the_bases_facts_is_kept(client_as, province_user, own_base, filed):
    post_confirmed(client_as(province_user), reverse("bases:change_detail", args=[filed.pk]), {"accept": ""})

    names = list(own_base.history.order_by("history_date").values_list("name", flat=True))

    assert names[0] == filed.old_values["name"]
    assert names[-1] == "福州鼓山职业技术培训学院"


def test_returning_a_filing_requires_a_comment(client_as, province_user, own_base, filed):
    province = client_as(province_user)

    response = province.post(reverse("bases:change_detail", args=[filed.pk]), {"return": "", "comment": "  "})

    assert response.status_code == 200
    assert "退回时请填写意见" in visible_text(response)
    filed.refresh_from_db()
    assert filed.state == ChangeFilingState.SUBMITTED


def test_returned_filing_leaves_the_base_unchanged_and_tells_the_institution_why(
    client_as, province_user, institution_user, own_base, filed
):
    old_name = own_base.name

    client_as(province_user).post(
        reverse("bases:change_detail", args=[filed.pk]), {"return": "", "comment": "请补充登记机关的核准文件"}
    )

    filed.refresh_from_db()
    own_base.refresh_from_db()
    assert filed.state == ChangeFilingState.RETURNED
    assert own_base.name == old_name
    assert not Announcement.objects.filter(kind=AnnouncementKind.CHANGE).exists()
    note = Notification.objects.get(recipient=institution_user, title="变更备案被退回")
    assert "请补充登记机关的核准文件" in note.body
    # returned, it no longer blocks a new filing
    response = file_change(client_as(institution_user), own_base, name="福州鼓山职业技术培训学院")
    assert response.status_code == 302


def test_a_decided_filing_cannot_be_decided_again(client_as, province_user, own_base, filed):
    post_confirmed(client_as(province_user), reverse("bases:change_detail", args=[filed.pk]), {"accept": ""})

    # a colleague still on the old page returns it
    response = client_as(factories.UserFactory()).post(
        reverse("bases:change_detail", args=[filed.pk]), {"return": "", "comment": "再退回"}
    )

    assert response.status_code == 200
    filed.refresh_from_db()
    assert filed.state == ChangeFilingState.ACCEPTED
    assert Announcement.objects.filter(kind=AnnouncementKind.CHANGE).count() == 1


def test_the_colleague_who_decides_second_is_told_the_filing_was_already_decided(
    client_as, province_user, own_base, filed
):
    post_confirmed(client_as(province_user), reverse("bases:change_detail", args=[filed.pk]), {"accept": ""})

    response = client_as(factories.UserFactory()).post(
        reverse("bases:change_detail", args=[filed.pk]), {"return": "", "comment": "再退回"}
    )

    assert "已由他人处理" in visible_text(response)


def test_institution_cannot_decide_its_own_filing(client_as, institution_user, own_base, filed):
    response = client_as(institution_user).post(reverse("bases:change_detail", args=[filed.pk]), {"accept": ""})

    assert response.status_code == 404
    filed.refresh_from_db()
    assert filed.state == ChangeFilingState.SUBMITTED


def test_a_second_filing_while_one_is_pending_is_refused(client_as, institution_user, own_base, filed):
    response = file_change(client_as(institution_user), own_base, address="福州市仓山区新址2号")

    assert response.status_code == 200
    text = visible_text(response)
    assert "已有一份变更备案正在办理" in text
    assert 'value="福州市仓山区新址2号"' in response.content.decode()  # what was typed is kept
    assert ChangeFiling.objects.filter(base=own_base).count() == 1


def test_a_filing_without_any_changed_value_is_refused(client_as, institution_user, own_base):
    response = file_change(client_as(institution_user), own_base)

    assert response.status_code == 200
    assert "没有需要变更的内容" in visible_text(response)
    assert not ChangeFiling.objects.exists()


def test_a_filing_needs_a_reason_and_evidence(client_as, institution_user, own_base):
    data = change_data(own_base, phone="0591-88888888", reason="")
    del data["evidence"]

    response = client_as(institution_user).post(reverse("bases:change_new", args=[own_base.pk]), data)

    text = visible_text(response)
    assert "请填写变更原因" in text
    assert "请上传证明材料" in text
    assert 'value="0591-88888888"' in response.content.decode()
    assert not ChangeFiling.objects.exists()


def test_evidence_that_is_not_a_document_is_refused_by_its_content(client_as, institution_user, own_base):
    from django.core.files.uploadedfile import SimpleUploadedFile

    disguised = SimpleUploadedFile("核准文件.pdf", FAKE_EXE, content_type="application/pdf")

    response = file_change(client_as(institution_user), own_base, phone="0591-88888888", evidence=disguised)

    assert response.status_code == 200
    assert not ChangeFiling.objects.exists()
    assert "文件“核准文件.pdf”的内容不是允许的类型" in visible_text(response)


def test_evidence_is_served_to_the_filer_and_the_province_only(
    client_as, institution_user, other_institution_user, province_user, recommender_user, visitor, filed
):
    url = reverse("bases:change_evidence", args=[filed.pk])

    own = client_as(institution_user).get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    assert "attachment" in own["Content-Disposition"]
    assert client_as(province_user).get(url).status_code == 200
    assert client_as(other_institution_user).get(url).status_code == 404
    assert client_as(recommender_user).get(url).status_code == 404
    assert visitor.get(url).status_code == 302


def test_another_institution_cannot_file_or_see_a_change_for_the_base(
    client_as, other_institution_user, own_base, filed
):
    other = client_as(other_institution_user)

    assert other.get(reverse("bases:change_new", args=[own_base.pk])).status_code == 404
    assert file_change(other, own_base, phone="0591-11111111").status_code == 404
    assert other.get(reverse("bases:change_detail", args=[filed.pk])).status_code == 404
    assert filed.base.name not in visible_text(other.get(reverse("bases:change_list")))
    assert ChangeFiling.objects.count() == 1


def test_revoked_base_cannot_file_a_change(client_as, institution_user, own_base):
    Base.objects.filter(pk=own_base.pk).update(status="revoked")

    response = file_change(client_as(institution_user), own_base, phone="0591-88888888")

    assert "不能办理变更备案" in visible_text(response)
    assert not ChangeFiling.objects.exists()
