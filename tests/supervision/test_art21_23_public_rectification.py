"""Art. 23 and 21 on the public side: a base under rectification shows 整改中 with the decision it rests on (its
文号 and title, SPEC 2.10), never a bare status; and until the result that led to the order is published (Art.
21), the public page reveals nothing of it or of the findings: only the status and the decision's 文号 and title."""

from datetime import date

import pytest
from django.urls import reverse

from supervision import services
from supervision.models import Ground, Item, Result, Verdict
from tests.helpers import visible_text

from .conftest import at, order, schedule

pytestmark = pytest.mark.django_db

FINDINGS = "课件意识形态审核记录缺失，收费标准未公开。"
SUMMARY = "九项内容中三项不符合。"
NOTES = "抽查课件12门，均无审核记录。"


def public_page(client, base):
    response = client.get(reverse("public:base", args=[base.pk]))
    assert response.status_code == 200
    return response


def failing_unpublished(province, base):
    """A failing periodic inspection, confirmed by the province but not yet published."""
    inspection = schedule(province, base)
    services.record_result(
        actor=province,
        inspection_id=inspection.pk,
        inspected_on=date(2026, 3, 20),
        verdicts={i.value: Verdict.FAILS if i == Item.COURSEWARE_REVIEW else Verdict.MEETS for i in Item},
        notes={Item.COURSEWARE_REVIEW.value: NOTES},
        result=Result.FAIL,
        summary=SUMMARY,
    )
    return services.inspection_transition(actor=province, inspection_id=inspection.pk, action="confirm")


def test_art23_the_public_page_names_the_decision_a_base_under_rectification_rests_on(base, province_user, client):
    assert "（依据：" not in visible_text(public_page(client, base))

    with at(2026, 4, 1, 10, 0):
        the_order = order(province_user, base, deadline=date(2026, 6, 30))

    text = visible_text(public_page(client, base))
    assert f"整改中（依据：闽人社文〔2026〕1号 关于责令{base.name}限期整改的通知）" in text
    assert the_order.decision.number == "闽人社文〔2026〕1号"


def test_art21_a_result_not_yet_published_and_the_findings_stay_off_the_public_page(base, province_user, client):
    with at(2026, 4, 1, 10, 0):
        inspection = failing_unpublished(province_user, base)
        the_order = services.order_rectification(
            actor=province_user,
            base_id=base.pk,
            ground=Ground.FAILED_INSPECTION,
            findings=FINDINGS,
            deadline=date(2026, 6, 30),
            inspection_id=inspection.pk,
        )
    decision = the_order.decision

    response = public_page(client, base)
    text = visible_text(response)
    assert f"整改中（依据：{decision.number} {decision.title}）" in text
    for secret in (FINDINGS, SUMMARY, NOTES, "不合格", "第二十三条第一款第三项", "考核或抽查结果"):
        assert secret not in text, f"the public page reveals {secret}"
    assert "暂无公布的考核结果。" in text
    assert reverse("decision_pdf", args=[decision.pk]) not in response.content.decode()  # its facts name the result

    # once the province publishes the result (Art. 21), it shows; the findings still do not
    with at(2026, 4, 2, 10, 0):
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="publish")
    text = visible_text(public_page(client, base))
    assert "定期考核（实地考察）： 不合格" in text
    assert FINDINGS not in text and f"整改中（依据：{decision.number} {decision.title}）" in text


def test_art23_once_rectification_passes_the_public_page_shows_the_bare_status_again(
    base, province_user, institution_user, client
):
    with at(2026, 4, 1, 10, 0):
        the_order = order(province_user, base, deadline=date(2026, 6, 30))
        services.report_rectification(actor=institution_user, order_id=the_order.pk, report="已整改。")
        services.verify_rectification(actor=province_user, order_id=the_order.pk, passed=True)

    text = visible_text(public_page(client, base))
    assert "（依据：" not in text and "正常" in text
