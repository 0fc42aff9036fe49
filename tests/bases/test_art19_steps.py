"""Issue 15 (2), Art. 19: the annual filing's page shows where it stands in 填报 → 报送 → 备案, with the day
each step was reached, 退回修改 as the step under way while the filing is back with the institution, and
the 31 December deadline on the step that has still to meet it."""

from datetime import date

import pytest
from django.urls import reverse

from bases import selectors, services
from bases.models import AnnualFiling
from tests.helpers import count_queries, visible_text

from .conftest import COMPLETE, PLAN_ROW, REPORT_ROW, at

pytestmark = pytest.mark.django_db


def bar(filing):
    filing.refresh_from_db()
    return [(s.label, s.status, s.on, s.note) for s in selectors.filing_steps(filing)]


def act(actor, filing, action, comment=""):
    services.filing_transition(actor=actor, filing_id=filing.pk, action=action, comment=comment)


def test_a_filing_walks_from_draft_through_a_return_to_its_acceptance(base, inst, province, clock):
    clock(at(2026, 12, 1))
    filing = services.start_filing(actor=inst, base_id=base.pk, year=2026)
    deadline = "报送期限2026年12月31日（第十九条）"
    assert bar(filing) == [
        ("填报", "done", date(2026, 12, 1), ""),
        ("报送", "current", None, deadline),
        ("备案", "todo", None, ""),
    ]

    clock(at(2026, 12, 10))
    services.save_filing(actor=inst, filing_id=filing.pk, data=COMPLETE, programmes=[REPORT_ROW, PLAN_ROW])
    act(inst, filing, "submit")
    assert bar(filing) == [
        ("填报", "done", date(2026, 12, 1), ""),
        ("报送", "done", date(2026, 12, 10), ""),
        ("备案", "current", None, ""),
    ]

    clock(at(2026, 12, 15))
    act(province, filing, "return", "收费情况请按项目列明。")
    assert bar(filing) == [
        ("填报", "done", date(2026, 12, 1), ""),
        ("报送", "done", date(2026, 12, 10), ""),
        ("退回修改", "current", date(2026, 12, 15), "请按退回意见修改后重新报送"),
        ("备案", "todo", None, ""),
    ]

    # resubmitted after the deadline: the first submission, on time, still decides timeliness
    clock(at(2027, 1, 5))
    act(inst, filing, "submit")
    assert bar(filing) == [
        ("填报", "done", date(2026, 12, 1), ""),
        ("报送", "done", date(2027, 1, 5), ""),
        ("备案", "current", None, ""),
    ]

    clock(at(2027, 1, 8))
    act(province, filing, "accept")
    assert bar(filing) == [
        ("填报", "done", date(2026, 12, 1), ""),
        ("报送", "done", date(2027, 1, 5), ""),
        ("备案", "done", date(2027, 1, 8), ""),
    ]


def test_a_filing_the_overdue_job_opened_is_still_to_be_filled_in_and_says_it_is_late(base, inst, clock):
    clock(at(2027, 1, 1, 0, 30))
    services.mark_overdue_filings(today=date(2027, 1, 1))
    filing = AnnualFiling.objects.get(base=base, year=2026)
    late = "报送期限2026年12月31日（第十九条），已逾期"
    assert bar(filing) == [("填报", "current", None, late), ("报送", "todo", None, ""), ("备案", "todo", None, "")]

    clock(at(2027, 1, 20))
    services.save_filing(actor=inst, filing_id=filing.pk, data=COMPLETE, programmes=[REPORT_ROW, PLAN_ROW])
    act(inst, filing, "submit")
    assert bar(filing) == [
        ("填报", "done", date(2027, 1, 1), ""),
        ("报送", "done", date(2027, 1, 20), "逾期报送"),
        ("备案", "current", None, ""),
    ]


def test_the_filing_page_shows_the_bar_with_the_step_under_way_marked(base, inst, client_as, clock):
    clock(at(2026, 12, 1))
    filing = services.start_filing(actor=inst, base_id=base.pk, year=2026)
    queries, _ = count_queries(lambda: selectors.filing_steps(filing))
    assert queries == 1
    page = client_as(inst).get(reverse("bases:filing_detail", args=[filing.pk]))
    assert 'aria-label="年度报告办理进度"' in page.content.decode()
    current = page.content.decode().split('aria-current="step"')[1].split("</li>")[0]
    assert "报送" in current and "报送期限2026年12月31日" in current
    text = visible_text(page)
    assert "1. 填报 已完成 · 2026年12月1日" in text and "2. 报送 当前" in text and "3. 备案 未开始" in text
