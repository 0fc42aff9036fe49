"""Art. 23 first list, in the legal form of SPEC 2.10: ordering a base to rectify, and verifying its report, are
formal decisions of the province: numbered (文号), with the ground's article, the facts and what is decided,
rendered as a PDF that the order page and the base page link, named on the timeline and in every notice."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bases.models import BaseStatus
from core import decisions, timeline
from core.errors import RuleViolation
from core.models import Decision, DecisionKind
from supervision import services
from supervision.models import Ground, Result
from tests.helpers import visible_text

from .conftest import at, confirmed, new_notifications, order

pytestmark = pytest.mark.django_db


def comments(subject) -> str:
    return "\n".join(f"{e.label}：{e.comment}" for e in timeline.events_for(subject))


def reported(province, institution_user, base, *, deadline=date(2026, 5, 1)):
    the_order = order(province, base, deadline=deadline)
    services.report_rectification(actor=institution_user, order_id=the_order.pk, report="已补充专职教师3名。")
    return the_order


def test_art23_rectification_order_is_a_numbered_decision(
    base, province_user, institution_user, recommender_user, client_as
):
    with at(2026, 4, 1, 10, 0), new_notifications() as n:
        response = client_as(province_user).post(
            reverse("supervision:rectification_new", args=[base.pk]),
            {"ground": Ground.IRREGULAR, "findings": "超范围办班，收费未公开。", "deadline": "2026-05-31"},
        )
    assert response.status_code == 302

    the_order = base.rectifications.get()
    decision = the_order.decision
    assert (decision.kind, decision.number, decision.subject) == (
        DecisionKind.RECTIFICATION,
        "闽人社文〔2026〕1号",
        base,
    )
    assert decision.title == f"关于责令{base.name}限期整改的通知"
    assert decision.addressee == base.institution.name
    assert decision.basis == "第二十三条第一款第二项"  # the article of the ground
    assert "超范围办班，收费未公开。" in decision.facts and "乱办班、乱收费、乱发证" in decision.facts
    assert "于2026年5月31日前完成整改" in decision.body and "超范围办班，收费未公开。" in decision.body
    assert (decision.decided_on, decision.effective_on, decision.adverse) == (date(2026, 4, 1), date(2026, 4, 1), True)
    assert decision.pdf.read().startswith(b"%PDF")
    assert decisions.of(base) == [decision]

    # the timelines of the base and of the order name the decision
    assert "闽人社文〔2026〕1号" in comments(base)
    assert "下达整改通知：闽人社文〔2026〕1号；超范围办班，收费未公开。" in comments(the_order)
    # so do the notices to the institution and its recommending unit
    assert n.recipients == {institution_user, recommender_user}
    for note in n.notes:
        assert "闽人社文〔2026〕1号" in note.title and f"《{decision.title}》（闽人社文〔2026〕1号）" in note.body

    # the order page and the base page link the issued PDF, for the province and the institution
    pdf = reverse("decision_pdf", args=[decision.pk])
    for user in (province_user, institution_user):
        page = client_as(user).get(reverse("supervision:rectification", args=[the_order.pk]))
        assert f'href="{pdf}"' in page.content.decode()
        assert f"整改通知： {decision.number} {decision.title}" in visible_text(page)
        assert f'href="{pdf}"' in client_as(user).get(reverse("bases:detail", args=[base.pk])).content.decode()
    download = client_as(institution_user).get(pdf)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    listing = client_as(province_user).get(reverse("supervision:rectifications"))
    assert f'href="{pdf}"' in listing.content.decode() and decision.number in visible_text(listing)


def test_art23_an_order_after_a_failing_inspection_rests_on_item_3_and_states_the_result(base, province_user):
    with at(2026, 4, 1, 10, 0):
        failing = confirmed(province_user, base, result=Result.FAIL, inspected_on=date(2026, 3, 20))
        the_order = services.order_rectification(
            actor=province_user,
            base_id=base.pk,
            ground=Ground.FAILED_INSPECTION,
            findings="师资队伍不稳定。",
            deadline=date(2026, 6, 30),
            inspection_id=failing.pk,
        )

    decision = the_order.decision
    assert decision.basis == "第二十三条第一款第三项"
    assert "定期考核（实地考察）（2026年3月20日）结果：不合格。" in decision.facts
    assert "存在问题：师资队伍不稳定。" in decision.facts


def test_art23_an_order_that_is_refused_takes_no_number(base, province_user):
    with at(2026, 4, 1, 10, 0):
        with pytest.raises(RuleViolation, match="整改期限应晚于今天"):
            order(province_user, base, deadline=date(2026, 4, 1))
        with pytest.raises(RuleViolation, match="须引用该基地一次已确认的不合格考核"):
            order(province_user, base, deadline=date(2026, 5, 1), ground=Ground.FAILED_INSPECTION)
        assert not Decision.objects.exists()
        base.refresh_from_db()
        assert base.status == BaseStatus.ACTIVE

        assert order(province_user, base, deadline=date(2026, 5, 1)).decision.number == "闽人社文〔2026〕1号"


def test_art23_a_passed_report_is_a_numbered_verification_and_the_base_is_restored(
    base, province_user, institution_user, client_as
):
    with at(2026, 4, 20, 10, 0):
        the_order = reported(province_user, institution_user, base)
        with new_notifications() as n:
            services.verify_rectification(actor=province_user, order_id=the_order.pk, passed=True, comment="整改到位。")

    the_order.refresh_from_db()
    base.refresh_from_db()
    verification = the_order.verification_decision
    assert (verification.kind, verification.number, verification.adverse) == (
        DecisionKind.VERIFICATION,
        "闽人社文〔2026〕2号",
        False,
    )
    assert verification.title == f"关于{base.name}整改通过的核验意见"
    assert "整改通过，自2026年4月20日起恢复正常状态" in verification.body and "整改到位。" in verification.body
    assert "闽人社文〔2026〕1号" in verification.facts and "已补充专职教师3名。" in verification.facts
    assert base.status == BaseStatus.ACTIVE
    assert "整改通过，恢复正常：闽人社文〔2026〕2号" in comments(base)
    assert "印发整改核验意见：闽人社文〔2026〕2号" in comments(the_order)
    assert n.titles == ["整改通过（闽人社文〔2026〕2号）"] and "闽人社文〔2026〕2号" in n.notes[0].body

    page = client_as(institution_user).get(reverse("supervision:rectification", args=[the_order.pk])).content.decode()
    base_page = client_as(institution_user).get(reverse("bases:detail", args=[base.pk])).content.decode()
    for decision in (the_order.decision, verification):
        assert reverse("decision_pdf", args=[decision.pk]) in page
        assert reverse("decision_pdf", args=[decision.pk]) in base_page


def test_art23_a_failed_report_is_an_adverse_numbered_verification(base, province_user, institution_user):
    with at(2026, 4, 20, 10, 0):
        the_order = reported(province_user, institution_user, base)
        services.verify_rectification(actor=province_user, order_id=the_order.pk, passed=False, comment="师资仍不足。")

    the_order.refresh_from_db()
    verification = the_order.verification_decision
    assert (verification.kind, verification.adverse) == (DecisionKind.VERIFICATION, True)
    assert verification.title == f"关于{base.name}整改未通过的核验意见"
    assert "整改未通过" in verification.body and "核验意见：师资仍不足。" in verification.body
    assert "取消其省级继续教育基地资格" in verification.body
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING


def test_art23_a_refused_verification_takes_no_number(base, province_user, institution_user):
    with at(2026, 4, 20, 10, 0):
        the_order = reported(province_user, institution_user, base)
        with pytest.raises(RuleViolation, match="请填写整改未通过的理由或意见"):
            services.verify_rectification(actor=province_user, order_id=the_order.pk, passed=False)

    assert list(Decision.objects.values_list("kind", flat=True)) == [DecisionKind.RECTIFICATION]


def test_art23_passing_one_of_two_orders_says_the_base_still_rectifies(base, province_user, institution_user):
    with at(2026, 4, 20, 10, 0):
        first = reported(province_user, institution_user, base)
        order(province_user, base, deadline=timezone.localdate() + timedelta(days=40))
        services.verify_rectification(actor=province_user, order_id=first.pk, passed=True)

    first.refresh_from_db()
    assert "尚有其他整改事项未完成，仍为整改中" in first.verification_decision.body
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING
