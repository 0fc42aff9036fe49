"""Issue 15 (2), Art. 20, 21, 23: an inspection's page shows where it stands in 安排考核 → 实地考核 → 确认结果 →
公布结果, and a rectification order's in 责令整改 → 提交整改报告 → 核验, with the day each step was reached and
the time limit of the step under way (the scheduled day, the last day to publish, the rectification deadline)."""

from datetime import date

import pytest
from django.urls import reverse

from supervision import selectors, services
from supervision.models import Result
from tests.helpers import count_queries, visible_text

from .conftest import at, order, record, schedule

pytestmark = pytest.mark.django_db


def bar(fn, obj):
    obj.refresh_from_db()
    return [(s.label, s.status, s.on, s.note) for s in fn(obj)]


def current_step(page) -> str:
    """The markup of the step the page marks as under way."""
    return page.content.decode().split('aria-current="step"')[1].split("</li>")[0]


# -- inspections ---------------------------------------------------------------------------------------------


def test_an_inspection_walks_through_a_send_back_to_its_publication(base, province_user, inspector_user):
    inspection_steps = selectors.inspection_steps
    with at(2026, 3, 2, 10, 0):
        inspection = schedule(province_user, base, unit=inspector_user.inspector_unit, on=date(2026, 3, 10))
    assert bar(inspection_steps, inspection) == [
        ("安排考核", "done", date(2026, 3, 2), ""),
        ("实地考核", "current", None, "定于2026年3月10日"),
        ("确认结果", "todo", None, ""),
        ("公布结果", "todo", None, ""),
    ]

    with at(2026, 3, 10, 16, 0):
        record(inspector_user, inspection, result=Result.PASS)
    assert bar(inspection_steps, inspection)[1:3] == [
        ("实地考核", "done", date(2026, 3, 10), ""),
        ("确认结果", "current", None, ""),
    ]

    with at(2026, 3, 11, 9, 0):
        services.inspection_transition(
            actor=province_user, inspection_id=inspection.pk, action="send_back", comment="课件审核情况记录不完整。"
        )
    assert bar(inspection_steps, inspection)[1:3] == [
        ("实地考核", "current", None, "定于2026年3月10日；考核结果已于2026年3月11日退回，请重新提交"),
        ("确认结果", "todo", None, ""),
    ]

    with at(2026, 3, 12, 9, 0):
        record(inspector_user, inspection, result=Result.PASS, inspected_on=date(2026, 3, 10))
    with at(2026, 3, 13, 9, 0):  # a Friday: ten working days end on Friday 27 March
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="confirm")
    assert bar(inspection_steps, inspection) == [
        ("安排考核", "done", date(2026, 3, 2), ""),
        ("实地考核", "done", date(2026, 3, 10), ""),
        ("确认结果", "done", date(2026, 3, 13), ""),
        ("公布结果", "current", None, "最迟于2026年3月27日公布（确认后10个工作日内，第二十一条）"),
    ]

    with at(2026, 3, 16, 9, 0):
        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="publish")
    assert bar(inspection_steps, inspection) == [
        ("安排考核", "done", date(2026, 3, 2), ""),
        ("实地考核", "done", date(2026, 3, 10), ""),
        ("确认结果", "done", date(2026, 3, 13), ""),
        ("公布结果", "done", date(2026, 3, 16), ""),
    ]


def test_the_inspection_page_shows_the_bar_with_the_step_under_way_marked(base, province_user, client_as):
    with at(2026, 3, 2, 10, 0):
        inspection = schedule(province_user, base, on=date(2026, 3, 10))
        queries, _ = count_queries(lambda: selectors.inspection_steps(inspection))
        page = client_as(province_user).get(reverse("supervision:detail", args=[inspection.pk]))
    assert queries == 1
    assert 'aria-label="考核办理进度"' in page.content.decode()
    assert "实地考核" in current_step(page) and "定于2026年3月10日" in current_step(page)
    assert "1. 安排考核 已完成 · 2026年3月2日" in visible_text(page)


# -- rectification -------------------------------------------------------------------------------------------


def test_a_rectification_order_walks_from_the_order_to_its_passed_verification(base, province_user, institution_user):
    rectification_steps = selectors.rectification_steps
    deadline = "整改期限2026年3月31日（第二十三条）"
    with at(2026, 3, 2, 10, 0):
        the_order = order(province_user, base, deadline=date(2026, 3, 31))
        assert bar(rectification_steps, the_order) == [
            ("责令整改", "done", date(2026, 3, 2), ""),
            ("提交整改报告", "current", None, deadline),
            ("核验", "todo", None, ""),
        ]

    with at(2026, 3, 20, 10, 0):
        services.report_rectification(actor=institution_user, order_id=the_order.pk, report="已补充专职教师五名。")
    assert bar(rectification_steps, the_order)[1:] == [
        ("提交整改报告", "done", date(2026, 3, 20), deadline),
        ("核验", "current", None, ""),
    ]

    with at(2026, 3, 25, 10, 0):
        services.verify_rectification(actor=province_user, order_id=the_order.pk, passed=True)
    assert bar(rectification_steps, the_order)[2] == ("核验", "done", date(2026, 3, 25), "整改通过")


def test_a_missed_deadline_shows_on_the_report_and_a_failed_verification_ends_the_order(
    base, province_user, institution_user
):
    rectification_steps = selectors.rectification_steps
    with at(2026, 3, 2, 10, 0):
        the_order = order(province_user, base, deadline=date(2026, 3, 31))
    with at(2026, 4, 2, 10, 0):
        assert bar(rectification_steps, the_order)[1] == (
            "提交整改报告",
            "current",
            None,
            "整改期限2026年3月31日（第二十三条），已逾期",
        )
    with at(2026, 4, 3, 10, 0):
        services.report_rectification(actor=institution_user, order_id=the_order.pk, report="已整改。")
    with at(2026, 4, 10, 10, 0):
        services.verify_rectification(
            actor=province_user, order_id=the_order.pk, passed=False, comment="师资仍不足，整改未达要求。"
        )
    assert bar(rectification_steps, the_order) == [
        ("责令整改", "done", date(2026, 3, 2), ""),
        ("提交整改报告", "done", date(2026, 4, 3), "整改期限2026年3月31日（第二十三条），逾期提交"),
        ("整改未通过", "ended", date(2026, 4, 10), ""),
    ]


def test_the_rectification_page_shows_the_bar_to_the_institution(base, province_user, institution_user, client_as):
    with at(2026, 3, 2, 10, 0):
        the_order = order(province_user, base, deadline=date(2026, 3, 31))
        queries, _ = count_queries(lambda: selectors.rectification_steps(the_order))
        page = client_as(institution_user).get(reverse("supervision:rectification", args=[the_order.pk]))
    assert queries == 0
    assert 'aria-label="整改办理进度"' in page.content.decode()
    assert "提交整改报告" in current_step(page) and "整改期限2026年3月31日" in current_step(page)
    assert "3. 核验 未开始" in visible_text(page)
