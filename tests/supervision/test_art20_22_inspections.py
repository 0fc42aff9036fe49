"""Art. 20-22 through the pages: the province schedules an inspection with an inspector unit, that unit's
inspector records the nine items, the province sends back, confirms and publishes; results are public (Art. 21),
excellent bases are commended (Art. 22), a fail leads to a rectification order (Art. 23)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bases.models import Announcement, AnnouncementKind, BaseStatus
from supervision import services
from supervision.models import (
    Ground,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionState,
    Item,
    RectificationOrder,
    Result,
    SupervisionDocument,
    Verdict,
)
from tests import factories
from tests.helpers import post_confirmed, visible_text

from .conftest import listed, new_notifications, record, schedule

pytestmark = pytest.mark.django_db


def schedule_form(base, unit=None, **overrides):
    data = {
        "base": base.pk,
        "kind": InspectionKind.PERIODIC,
        "scheduled_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "province_team": "",
        "inspector_unit": unit.pk if unit else "",
    }
    data.update(overrides)
    return data


def record_form(inspection, *, result=Result.PASS, skip=(), **overrides):
    data = {
        "inspected_on": timezone.localdate().isoformat(),
        "result": result,
        "summary": "九项内容均已实地核查。",
        "expected_state": inspection.state,
    }
    for i, item in enumerate(Item):
        if item.value not in skip:
            data[f"verdict_{item.value}"] = Verdict.PARTLY if i == 2 else Verdict.MEETS
        data[f"notes_{item.value}"] = f"第{i + 1}项情况说明"
    data.update(overrides)
    return data


def act(client, inspection, action, comment=""):
    """Take an action from the inspection's page; a publication confirms the preview it is shown first."""
    inspection.refresh_from_db()
    url = reverse("supervision:act", args=[inspection.pk, action])
    data = {"comment": comment, "expected_state": inspection.state}
    if action == "publish":
        return post_confirmed(client, url, data)
    return client.post(url, data)


# -- scheduling and who sees it -----------------------------------------------------------------------


def test_the_province_schedules_with_an_inspector_unit_and_only_that_units_inspector_sees_it(
    base, province_user, inspector_user, other_inspector, institution_user, client_as
):
    unit = inspector_user.inspector_unit
    with new_notifications() as n:
        response = client_as(province_user).post(reverse("supervision:schedule"), schedule_form(base, unit))

    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:detail", args=[inspection.pk])
    assert (inspection.base, inspection.kind, inspection.state, inspection.inspector_unit) == (
        base,
        InspectionKind.PERIODIC,
        InspectionState.SCHEDULED,
        unit,
    )
    assert [r.item for r in inspection.items.all()] == list(Item.values)  # the nine items of Art. 20
    assert n.recipients == {inspector_user, institution_user}
    assert f"考核任务：{base.name}" in n.titles

    mine = client_as(inspector_user)
    assert listed(mine.get(reverse("supervision:list")), "") == [inspection.pk]
    detail = mine.get(reverse("supervision:detail", args=[inspection.pk]))
    assert detail.status_code == 200
    assert "提交考核结果" in visible_text(detail)

    theirs = client_as(other_inspector)
    response = theirs.get(reverse("supervision:list"))
    assert listed(response, "") == [] and base.name not in visible_text(response)
    assert theirs.get(reverse("supervision:detail", args=[inspection.pk])).status_code == 404
    assert theirs.post(reverse("supervision:record", args=[inspection.pk]), record_form(inspection)).status_code == 404
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SCHEDULED


def test_scheduling_without_a_province_team_or_an_inspector_unit_is_refused_at_the_field(
    base, province_user, client_as
):
    response = client_as(province_user).post(reverse("supervision:schedule"), schedule_form(base))

    assert response.status_code == 200
    assert "请填写省人社厅考核人员或选择受委托考核单位。" in visible_text(response)
    assert not Inspection.objects.exists()


def test_scheduling_in_the_past_is_refused(base, province_user, inspector_user, client_as):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_as(province_user).post(
        reverse("supervision:schedule"), schedule_form(base, inspector_user.inspector_unit, scheduled_on=yesterday)
    )

    assert "考核日期不能早于今天。" in visible_text(response)
    assert not Inspection.objects.exists()


def test_a_revoked_base_cannot_be_scheduled(province_user):
    revoked = factories.BaseFactory(status=BaseStatus.REVOKED)

    from core.errors import RuleViolation

    with pytest.raises(RuleViolation, match="基地当前状态为「已撤销」"):
        schedule(province_user, revoked)


# -- recording the nine items -------------------------------------------------------------------------------


def test_the_inspector_records_all_nine_items_and_the_province_is_asked_to_confirm(
    base, province_user, inspector_user, client_as
):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    data = record_form(inspection, file_faculty=factories.pdf_file("师资核查.pdf"))

    with new_notifications() as n:
        response = client_as(inspector_user).post(reverse("supervision:record", args=[inspection.pk]), data)

    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RECORDED
    assert (inspection.result, inspection.inspected_on, inspection.recorded_by) == (
        Result.PASS,
        timezone.localdate(),
        inspector_user,
    )
    assert inspection.summary == "九项内容均已实地核查。"
    rows = {r.item: (r.verdict, r.notes) for r in InspectionItem.objects.filter(inspection=inspection)}
    assert rows[Item.FACULTY] == (Verdict.MEETS, "第1项情况说明")
    assert rows[Item.TASKS] == (Verdict.PARTLY, "第3项情况说明")
    assert all(v for v, _ in rows.values()) and len(rows) == 9
    doc = SupervisionDocument.objects.get()
    assert (doc.inspection, doc.item, doc.original_name) == (inspection, Item.FACULTY, "师资核查.pdf")
    assert n.recipients == {province_user} and n.titles == [f"考核结果待确认：{base.name}"]

    page = visible_text(client_as(province_user).get(reverse("supervision:detail", args=[inspection.pk])))
    assert "待确认" in page and "确认考核结果" in page and "退回考核单位" in page


def test_a_missing_verdict_is_refused_naming_the_item_and_what_was_typed_is_kept(
    base, province_user, inspector_user, client_as
):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    data = record_form(inspection, skip=[Item.PLATFORM], summary="已核查师资与设施，待补对接情况。")

    response = client_as(inspector_user).post(reverse("supervision:record", args=[inspection.pk]), data)

    assert response.status_code == 400
    text = visible_text(response)
    assert "请对“与福建省继续教育公共服务平台对接情况”作出结论。" in text
    assert "考核结果未保存" in text
    page = response.content.decode()
    assert "已核查师资与设施，待补对接情况。</textarea>" in page
    assert "第8项情况说明</textarea>" in page
    assert re.search(r'name="verdict_tasks"[^>]*>.*?<option value="partly" selected>', page, re.S)
    assert re.search(r'<option value="pass" selected>', page)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SCHEDULED and inspection.result == ""
    assert not InspectionItem.objects.filter(inspection=inspection).exclude(verdict="").exists()


def test_the_service_refuses_a_missing_verdict_naming_every_missing_item(base, province_user, inspector_user):
    from core.errors import RuleViolation

    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    verdicts = {i.value: Verdict.MEETS for i in Item if i not in (Item.CREDIT, Item.FEES)}

    with pytest.raises(RuleViolation) as refused:
        record(inspector_user, inspection, verdicts=verdicts)

    assert refused.value.message == "请对每一项考核内容作出结论：信用情况、继续教育收费标准公开情况。"
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SCHEDULED


def test_an_inspection_day_after_today_is_refused(base, province_user, inspector_user, client_as):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client_as(inspector_user).post(
        reverse("supervision:record", args=[inspection.pk]), record_form(inspection, inspected_on=tomorrow)
    )

    assert response.status_code == 400
    assert "实地考核日期不能晚于今天。" in visible_text(response)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SCHEDULED


# -- send back, confirm, publish -------------------------------------------------------------------------------


def test_sending_back_needs_a_comment_and_then_returns_the_inspection_to_the_unit(
    base, province_user, inspector_user, client_as
):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    record(inspector_user, inspection)
    province = client_as(province_user)

    response = act(province, inspection, "send_back")
    assert response.status_code == 400
    assert "请填写退回考核单位的理由或意见。" in visible_text(response)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RECORDED

    with new_notifications() as n:
        response = act(province, inspection, "send_back", comment="课件审核情况记录不完整，请补充。")
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SCHEDULED
    assert n.recipients == {inspector_user}
    assert "课件审核情况记录不完整，请补充。" in n.notes[0].body

    # the unit may record again, and its earlier answers are offered back
    page = client_as(inspector_user).get(reverse("supervision:detail", args=[inspection.pk])).content.decode()
    assert "提交考核结果" in page and '<option value="meets" selected>' in page


def test_confirming_and_publishing_shows_the_result_on_the_public_base_page_with_an_announcement(
    base, province_user, inspector_user, institution_user, client_as, client
):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    record(inspector_user, inspection, result=Result.PASS)
    province = client_as(province_user)
    public_page = reverse("public:base", args=[base.pk])

    with new_notifications() as n:
        assert act(province, inspection, "confirm").status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CONFIRMED and inspection.confirmed_at is not None
    assert n.recipients == {institution_user} and n.titles == ["考核结果：合格"]
    assert "暂无公布的考核结果。" in visible_text(client.get(public_page))  # confirmed is not yet public

    # a POST without the confirmation step shows what will be published, and publishes nothing
    unconfirmed = province.post(
        reverse("supervision:act", args=[inspection.pk, "publish"]), {"expected_state": "confirmed"}
    )
    assert unconfirmed.status_code == 200 and f"{base.register_number} {base.name}：合格" in visible_text(unconfirmed)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CONFIRMED and not Announcement.objects.exists()

    assert act(province, inspection, "publish").status_code == 302

    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PUBLISHED and inspection.published_at is not None
    announcement = Announcement.objects.get(kind=AnnouncementKind.INSPECTION)
    assert announcement.base == base and list(announcement.bases.all()) == [base]
    assert f"{base.register_number}　{base.name}：合格" in announcement.body
    text = visible_text(client.get(public_page))
    day = f"{inspection.inspected_on:%Y年%-m月%-d日}"
    assert f"{day} 定期考核（实地考察）： 合格" in text
    assert announcement.title in text
    assert announcement.title in visible_text(client.get(reverse("public:announcements")))
    assert not Announcement.objects.filter(kind=AnnouncementKind.COMMENDATION).exists()
    base.refresh_from_db()
    assert base.commended_at is None
    assert "表扬推广" not in text


def test_an_excellent_result_commends_the_base_with_a_commendation_announcement(
    base, province_user, inspector_user, client_as, client
):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    record(inspector_user, inspection, result=Result.EXCELLENT)
    province = client_as(province_user)
    act(province, inspection, "confirm")

    act(province, inspection, "publish")

    base.refresh_from_db()
    assert base.commended_at is not None
    commendation = Announcement.objects.get(kind=AnnouncementKind.COMMENDATION)
    assert list(commendation.bases.all()) == [base] and commendation.base == base
    assert "第二十二条" in commendation.body and base.name in commendation.body
    text = visible_text(client.get(reverse("public:base", args=[base.pk])))
    assert "考核优秀 · 表扬推广（第二十二条）" in text
    assert "定期考核（实地考察）： 优秀" in text
    assert commendation.title in text


def test_a_confirmed_fail_offers_the_province_a_rectification_order_linked_to_the_inspection(
    base, province_user, inspector_user, client_as
):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    record(inspector_user, inspection, result=Result.FAIL)
    province = client_as(province_user)
    detail = reverse("supervision:detail", args=[inspection.pk])
    order_link = f"{reverse('supervision:rectification_new', args=[base.pk])}?inspection={inspection.pk}"

    assert order_link not in province.get(detail).content.decode()  # not before the province confirms
    act(province, inspection, "confirm")

    response = province.get(detail)
    assert "考核结果不合格。依据第二十三条第一款第三项，应责令限期整改。" in visible_text(response)
    assert order_link in response.content.decode()

    form = province.get(order_link)
    assert re.search(r'<option value="failed_inspection" selected>', form.content.decode())
    deadline = timezone.localdate() + timedelta(days=60)
    response = province.post(
        order_link,
        {"ground": Ground.FAILED_INSPECTION, "findings": "师资不足，课件未更新。", "deadline": deadline.isoformat()},
    )
    order = RectificationOrder.objects.get()
    assert response.status_code == 302
    assert (order.inspection, order.base, order.deadline) == (inspection, base, deadline)
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING
    assert "考核结果不合格" not in visible_text(province.get(detail))  # the base is already rectifying


def test_a_pass_offers_no_rectification(base, province_user, inspector_user, client_as):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    record(inspector_user, inspection, result=Result.PASS)
    province = client_as(province_user)
    act(province, inspection, "confirm")

    assert "责令限期整改" not in visible_text(province.get(reverse("supervision:detail", args=[inspection.pk])))


def test_the_institution_sees_its_inspection_only_once_the_province_has_confirmed_it(
    base, province_user, inspector_user, institution_user, other_institution_user, client_as
):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    detail = reverse("supervision:detail", args=[inspection.pk])
    inst = client_as(institution_user)

    assert inst.get(detail).status_code == 404
    record(inspector_user, inspection, result=Result.FAIL)
    assert inst.get(detail).status_code == 404
    services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="confirm")

    response = inst.get(detail)
    assert response.status_code == 200
    text = visible_text(response)
    assert "结果： 不合格" in text and "各项内容均已核查。" in text
    page = response.content.decode()
    assert reverse("supervision:record", args=[inspection.pk]) not in page  # nothing to act on
    assert f"/inspections/{inspection.pk}/act/" not in page
    assert client_as(other_institution_user).get(detail).status_code == 404


def test_the_timeline_shows_recorded_values_as_people_read_them(base, province_user, inspector_user, client_as):
    inspection = schedule(province_user, base, unit=inspector_user.inspector_unit)
    record(inspector_user, inspection, result=Result.FAIL)

    text = visible_text(client_as(province_user).get(reverse("supervision:detail", args=[inspection.pk])))

    assert "→ fail" not in text
    assert "recorded by" not in text
    assert "+00:00" not in text
