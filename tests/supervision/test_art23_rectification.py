"""Art. 23 first list: rectification by a deadline (责令限期整改). The base is 整改中 until the province verifies
its report; a failed report or a missed deadline (flagged daily) opens the way to revocation (SPEC 2.6)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import hearings
from applications.models import HearingKind
from bases.models import BaseStatus
from core.errors import RuleViolation
from core.tasks import run_job
from supervision import services
from supervision.models import Ground, RectificationOrder, RectificationState, RevocationGround, SupervisionDocument
from tests import factories
from tests.helpers import assert_constant_queries, visible_text

from .conftest import at, base_in, listed, listed_bases, new_notifications, order

pytestmark = pytest.mark.django_db

FAKE_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def revoke_for_failed_rectification(province, base, the_order, **kwargs):
    if hearings.pending(base, HearingKind.REVOCATION) is None:
        factories.heard(base, HearingKind.REVOCATION)  # the institution was heard first (SPEC 2.10)
    return services.revoke(
        actor=province,
        base_id=base.pk,
        ground=RevocationGround.FAILED_RECTIFICATION,
        reason="整改期限届满仍未达到要求。",
        effective_on=timezone.localdate(),
        rectification_id=the_order.pk,
        **kwargs,
    )


# -- ordering ------------------------------------------------------------------------------------------------


def test_ordering_rectification_puts_the_base_in_rectifying_on_the_register_and_the_plaque_check(
    base, province_user, institution_user, recommender_user, client_as, client
):
    deadline = timezone.localdate() + timedelta(days=30)
    with new_notifications() as n:
        response = client_as(province_user).post(
            reverse("supervision:rectification_new", args=[base.pk]),
            {"ground": Ground.IRREGULAR, "findings": "超范围办班，收费未公开。", "deadline": deadline.isoformat()},
        )

    the_order = RectificationOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:rectification", args=[the_order.pk])
    assert (the_order.state, the_order.ground, the_order.deadline) == (
        RectificationState.OPEN,
        Ground.IRREGULAR,
        deadline,
    )
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING and base.status_changed_on == timezone.localdate()
    assert n.recipients == {institution_user, recommender_user}
    assert f"期限至{deadline:%Y年%-m月%-d日}" in n.notes[0].body

    register = reverse("public:register")
    assert base.pk in listed_bases(client.get(register))  # still on the active register
    assert listed_bases(client.get(register, {"status": "rectifying"})) == [base.pk]
    assert base.pk not in listed_bases(client.get(register, {"status": "active"}))
    assert "整改中" in visible_text(client.get(register, {"status": "rectifying"}))

    text = visible_text(client.get(reverse("public:verify_code", args=[base.verification_code])))
    assert "匾牌真实有效" in text
    assert f"当前状态 整改中（{timezone.localdate():%Y年%-m月%-d日}起）" in text


def test_a_deadline_of_today_is_refused(base, province_user):
    with at(2026, 4, 1, 23, 59):
        with pytest.raises(RuleViolation, match="整改期限应晚于今天。"):
            order(province_user, base, deadline=date(2026, 4, 1))
        assert order(province_user, base, deadline=date(2026, 4, 2)).deadline == date(2026, 4, 2)


def test_an_order_without_findings_is_refused_at_the_field(base, province_user, client_as):
    response = client_as(province_user).post(
        reverse("supervision:rectification_new", args=[base.pk]),
        {"ground": Ground.NONCOMPLIANCE, "findings": "", "deadline": "2099-01-01"},
    )

    assert "请写明存在的问题。" in visible_text(response)
    assert not RectificationOrder.objects.exists()
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE


# -- the institution reports ---------------------------------------------------------------------------------


def test_the_institution_reports_with_an_attachment_and_the_province_is_asked_to_verify(
    base, province_user, institution_user, other_institution_user, client_as
):
    the_order = order(province_user, base, deadline=timezone.localdate() + timedelta(days=30))
    inst = client_as(institution_user)
    page = reverse("supervision:rectification", args=[the_order.pk])
    assert "提交整改报告" in visible_text(inst.get(page))

    with new_notifications() as n:
        response = inst.post(
            reverse("supervision:rectification_report", args=[the_order.pk]),
            {
                "report": "已补充专职教师3名，收费标准已公开。",
                "attachment": factories.pdf_file("整改报告.pdf"),
                "expected_state": "open",
            },
        )

    assert response.status_code == 302
    the_order.refresh_from_db()
    assert the_order.state == RectificationState.REPORTED and the_order.reported_at is not None
    assert the_order.report == "已补充专职教师3名，收费标准已公开。"
    doc = SupervisionDocument.objects.get(rectification=the_order)
    assert (doc.original_name, doc.kind, doc.uploaded_by) == ("整改报告.pdf", "pdf", institution_user)
    assert n.recipients == {province_user} and n.titles == [f"整改报告待核验：{base.name}"]

    text = visible_text(inst.get(page))
    assert "待核验" in text and "已补充专职教师3名" in text and "整改报告.pdf" in text
    download = reverse("supervision:document", args=[doc.pk])
    response = inst.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_as(province_user).get(download).status_code == 200
    assert client_as(other_institution_user).get(download).status_code == 404
    assert client_as(other_institution_user).get(page).status_code == 404


def test_a_report_with_a_file_that_is_not_an_allowed_type_is_refused_and_the_text_kept(
    base, province_user, institution_user, client_as
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    the_order = order(province_user, base, deadline=timezone.localdate() + timedelta(days=30))
    response = client_as(institution_user).post(
        reverse("supervision:rectification_report", args=[the_order.pk]),
        {
            "report": "整改情况说明全文。",
            "attachment": SimpleUploadedFile("整改报告.pdf", FAKE_EXE, content_type="application/pdf"),
            "expected_state": "open",
        },
    )

    assert response.status_code == 400
    assert "不是允许的类型" in visible_text(response)
    assert "整改情况说明全文。</textarea>" in response.content.decode()
    the_order.refresh_from_db()
    assert the_order.state == RectificationState.OPEN and the_order.report == ""
    assert not SupervisionDocument.objects.exists()


def test_an_empty_report_is_refused(base, province_user, institution_user, client_as):
    the_order = order(province_user, base, deadline=timezone.localdate() + timedelta(days=30))

    response = client_as(institution_user).post(
        reverse("supervision:rectification_report", args=[the_order.pk]), {"report": "", "expected_state": "open"}
    )

    assert response.status_code == 400 and "请填写整改报告。" in visible_text(response)
    the_order.refresh_from_db()
    assert the_order.state == RectificationState.OPEN


# -- the province verifies ------------------------------------------------------------------------------------


def reported(province, institution_user, base, deadline=None):
    the_order = order(province, base, deadline=deadline or timezone.localdate() + timedelta(days=30))
    services.report_rectification(actor=institution_user, order_id=the_order.pk, report="已按要求整改。")
    return the_order


def test_a_passed_report_returns_the_base_to_active(base, province_user, institution_user, client_as, client):
    the_order = reported(province_user, institution_user, base)

    with new_notifications() as n:
        response = client_as(province_user).post(
            reverse("supervision:rectification_verify", args=[the_order.pk, "pass"]),
            {"comment": "整改到位。", "expected_state": "reported"},
        )

    assert response.status_code == 302
    the_order.refresh_from_db()
    assert the_order.state == RectificationState.PASSED and the_order.verification == "整改到位。"
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE and base.status_changed_on == timezone.localdate()
    assert n.recipients == {institution_user} and n.titles == [f"整改通过（{the_order.verification_decision.number}）"]
    assert listed_bases(client.get(reverse("public:register"), {"status": "active"})) == [base.pk]
    assert "撤销基地资格" not in visible_text(
        client_as(province_user).get(reverse("supervision:rectification", args=[the_order.pk]))
    )


def test_a_base_with_two_orders_stays_rectifying_until_both_pass(base, province_user, institution_user):
    first = reported(province_user, institution_user, base)
    second = order(province_user, base, deadline=timezone.localdate() + timedelta(days=40))

    services.verify_rectification(actor=province_user, order_id=first.pk, passed=True)
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING

    services.report_rectification(actor=institution_user, order_id=second.pk, report="第二项问题已整改。")
    services.verify_rectification(actor=province_user, order_id=second.pk, passed=True)
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE


def test_a_failed_report_needs_a_comment_and_then_allows_revocation_for_failed_rectification(
    base, province_user, institution_user, client_as
):
    the_order = reported(province_user, institution_user, base)
    province = client_as(province_user)
    verify_fail = reverse("supervision:rectification_verify", args=[the_order.pk, "fail"])

    response = province.post(verify_fail, {"comment": "", "expected_state": "reported"})
    assert response.status_code == 400 and "请填写整改未通过的理由或意见。" in visible_text(response)
    the_order.refresh_from_db()
    assert the_order.state == RectificationState.REPORTED

    with new_notifications() as n:
        province.post(verify_fail, {"comment": "师资仍不足。", "expected_state": "reported"})
    the_order.refresh_from_db()
    assert the_order.state == RectificationState.FAILED
    assert n.titles == [f"整改未通过（{the_order.verification_decision.number}）"] and "师资仍不足。" in n.notes[0].body
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING  # revocation is a separate decision

    page = province.get(reverse("supervision:rectification", args=[the_order.pk]))
    assert "整改未通过。依据第二十三条，可取消该基地资格。" in visible_text(page)
    assert f"{reverse('supervision:revoke', args=[base.pk])}?rectification={the_order.pk}" in page.content.decode()

    revocation = revoke_for_failed_rectification(province_user, base, the_order)
    assert revocation.rectification == the_order and revocation.article == "第二十三条第一款"
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED


# -- missed deadlines --------------------------------------------------------------------------------------------


def orders_due(province, deadlines, *, on=date(2026, 1, 5)):
    """Open orders with these deadlines, ordered on an earlier day."""
    with at(on.year, on.month, on.day, 9, 0):
        return [order(province, base_in(name=f"整改基地{i}"), deadline=d) for i, d in enumerate(deadlines)]


def test_an_open_order_past_its_deadline_is_flagged_and_one_on_its_deadline_is_not(province_user):
    today = date(2026, 3, 1)
    late, on_time = orders_due(province_user, [date(2026, 2, 28), date(2026, 3, 1)])
    reported_late = orders_due(province_user, [date(2026, 2, 27)])[0]
    services.report_rectification(
        actor=factories.InstitutionUserFactory(institution=reported_late.base.institution),
        order_id=reported_late.pk,
        report="已整改。",
    )

    with at(2026, 3, 1, 8, 0), new_notifications() as n:
        assert services.flag_missed_deadlines(today=today) == 1

    late.refresh_from_db(), on_time.refresh_from_db(), reported_late.refresh_from_db()
    assert late.deadline_missed_at is not None
    assert on_time.deadline_missed_at is None and reported_late.deadline_missed_at is None
    (note,) = n.notes
    assert note.recipient == province_user
    assert note.title == "整改逾期：1家基地未在期限内报送整改报告"
    assert f"{late.base.name}（期限2026年2月28日）" in note.body and on_time.base.name not in note.body
    assert note.url == reverse("supervision:rectifications") + "?late=on"


def test_the_daily_task_at_23_59_and_00_00_in_shanghai_counts_the_local_day(province_user):
    (the_order,) = orders_due(province_user, [date(2026, 6, 30)])

    with at(2026, 6, 30, 23, 59):
        assert run_job("rectification-deadlines") == 0
    with at(2026, 7, 1, 0, 0):
        assert run_job("rectification-deadlines") == 1
    the_order.refresh_from_db()
    assert the_order.deadline_missed_at is not None


def test_the_province_is_told_of_missed_deadlines_once_per_day(province_user):
    orders_due(province_user, [date(2026, 2, 1), date(2026, 2, 2)])

    with new_notifications() as n:
        assert services.flag_missed_deadlines(today=date(2026, 3, 1)) == 2
        assert services.flag_missed_deadlines(today=date(2026, 3, 1)) == 0  # already flagged
    assert len(n.notes) == 1 and n.notes[0].title.startswith("整改逾期：2家")

    with new_notifications() as n:
        services.flag_missed_deadlines(today=date(2026, 3, 2))
    assert len(n.notes) == 1  # a new day, a new reminder of the orders still open


def test_the_deadline_job_runs_the_same_number_of_queries_for_3_and_30_orders(province_user):
    orders_due(province_user, [date(2026, 2, 1) + timedelta(days=i % 20) for i in range(3)])
    days = iter([date(2026, 3, 1), date(2026, 4, 1)])  # the job runs a month later, with the new orders late too

    assert_constant_queries(
        lambda: services.flag_missed_deadlines(today=next(days)),
        lambda: orders_due(province_user, [date(2026, 3, 1) + timedelta(days=i % 20) for i in range(30)]),
    )
    assert RectificationOrder.objects.exclude(deadline_missed_at=None).count() == 33


def test_the_late_filter_lists_only_flagged_open_orders(province_user, client_as):
    late, on_time = orders_due(province_user, [date(2026, 2, 1), date(2026, 4, 1)])
    services.flag_missed_deadlines(today=date(2026, 3, 1))

    with at(2026, 3, 1, 10, 0):
        response = client_as(province_user).get(reverse("supervision:rectifications"), {"late": "on"})

    assert listed(response, "rectifications/") == [late.pk]
    assert "逾期" in visible_text(response)


# -- revocation on failed rectification: open past its deadline, not within it ---------------------------------------


def test_revocation_for_failed_rectification_is_allowed_for_an_open_order_past_its_deadline(province_user, client_as):
    (the_order,) = orders_due(province_user, [date(2026, 2, 28)])
    base = the_order.base

    with at(2026, 3, 1, 0, 0):
        page = client_as(province_user).get(reverse("supervision:rectification", args=[the_order.pk]))
        assert "整改逾期未报。依据第二十三条，可取消该基地资格。" in visible_text(page)
        revoke_for_failed_rectification(province_user, base, the_order)

    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED and base.revocation.rectification == the_order


def test_revocation_for_failed_rectification_is_refused_for_an_open_order_within_its_deadline(province_user, client_as):
    (the_order,) = orders_due(province_user, [date(2026, 2, 28)])
    base = the_order.base

    with at(2026, 2, 28, 23, 59):
        page = client_as(province_user).get(reverse("supervision:rectification", args=[the_order.pk]))
        assert "可取消该基地资格" not in visible_text(page)
        with pytest.raises(RuleViolation) as refused:
            revoke_for_failed_rectification(province_user, base, the_order)

    assert refused.value.message == "以整改未达要求为由取消资格，须有整改未通过或逾期未整改的整改通知。"
    assert refused.value.article == "第二十三条第一款"
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING


def test_revocation_for_failed_rectification_is_refused_without_an_order_or_for_a_passed_one(
    base, province_user, institution_user
):
    with pytest.raises(RuleViolation, match="须有整改未通过或逾期未整改的整改通知"):
        services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground=RevocationGround.FAILED_RECTIFICATION,
            reason="整改不到位。",
            effective_on=timezone.localdate(),
        )
    the_order = reported(province_user, institution_user, base)
    services.verify_rectification(actor=province_user, order_id=the_order.pk, passed=True)

    with pytest.raises(RuleViolation, match="须有整改未通过或逾期未整改的整改通知"):
        revoke_for_failed_rectification(province_user, base, the_order)
    base.refresh_from_db()
    assert base.status == BaseStatus.ACTIVE


def test_a_revoked_base_is_no_longer_reported_as_late_every_day(province_user):
    (the_order,) = orders_due(province_user, [date(2026, 2, 28)])
    with at(2026, 3, 2, 10, 0):
        services.flag_missed_deadlines(today=date(2026, 3, 2))
        revoke_for_failed_rectification(province_user, the_order.base, the_order)

    with new_notifications() as n:
        services.flag_missed_deadlines(today=date(2026, 3, 3))

    assert n.notes == []
