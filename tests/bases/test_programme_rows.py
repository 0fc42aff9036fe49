"""Issue 15, point 4, in the annual filing: each part still empty starts with two rows of its own, blank
rows are ignored, a row with numbers but no service form is refused at the row, 添加一行 works without
JavaScript, and each total shows the programme sum it is checked against."""

import re

import pytest
from django.urls import reverse

from bases.models import FilingPart
from tests import factories

from .conftest import PLAN_ROW, REPORT_ROW, at, field_block, filing_post, html

pytestmark = pytest.mark.django_db


def edit_url(filing):
    return reverse("bases:filing_edit", args=[filing.pk])


def parts_of(page: str) -> list[str]:
    body = page[page.index('id="programmes-rows"') : page.index("</tbody>", page.index('id="programmes-rows"'))]
    return re.findall(r'name="programmes-\d+-part"[^>]*>.*?<option value="(\w+)"[^>]*selected', body, re.S)


def test_a_new_filing_starts_with_two_report_rows_and_two_plan_rows(base, inst, client_as, clock):
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    page = html(client_as(inst).get(edit_url(filing)))
    assert parts_of(page) == [FilingPart.REPORT] * 2 + [FilingPart.PLAN] * 2
    assert 'data-sum-part="report"' in field_block(page, "trained_total")
    assert 'data-sum-part="plan"' in field_block(page, "plan_trainees")


def test_blank_rows_are_ignored_and_numbers_without_a_service_form_are_refused(base, inst, client_as, clock):
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    blank = {"part": FilingPart.PLAN, "form": "", "count": "", "trainees": ""}
    response = client_as(inst).post(edit_url(filing), filing_post("draft", rows=[REPORT_ROW, blank, PLAN_ROW]))
    assert response.status_code == 302
    assert filing.programmes.count() == 2

    stray = {"part": FilingPart.REPORT, "form": "", "count": "3", "trainees": ""}
    response = client_as(inst).post(edit_url(filing), filing_post("draft", rows=[stray]))
    assert response.status_code == 200
    assert "请选择这一行的服务形式，或清空这一行。" in html(response)
    assert filing.programmes.count() == 2


def test_add_a_row_without_javascript_keeps_what_was_typed_and_saves_nothing(base, inst, client_as, clock):
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    data = filing_post("draft", plan_execution="正在填写的执行情况", rows=[REPORT_ROW])
    del data["save"]
    data["programmes-add"] = "1"
    response = client_as(inst).post(edit_url(filing), data)
    page = html(response)
    assert response.status_code == 200
    assert 'name="programmes-TOTAL_FORMS" value="2"' in page
    assert 'name="programmes-1-form"' in page
    assert "正在填写的执行情况" in page
    filing.refresh_from_db()
    assert filing.plan_execution == "" and filing.programmes.count() == 0


def test_adding_stops_at_the_most_rows_allowed(base, inst, client_as, clock):
    clock(at(2026, 12, 10))
    filing = factories.AnnualFilingFactory(base=base, year=2026)
    data = filing_post("draft", rows=[{**REPORT_ROW, "form": ""}] * 24)
    del data["save"]
    data["programmes-add"] = "1"
    page = html(client_as(inst).post(edit_url(filing), data))
    assert 'name="programmes-TOTAL_FORMS" value="24"' in page


def test_a_returned_filing_shows_the_return_comment_above_the_form(base, inst, province, client_as, clock):
    from bases import services

    from .conftest import complete_filing

    clock(at(2026, 12, 10))
    filing = complete_filing(base)
    services.filing_transition(actor=province, filing_id=filing.pk, action="return", comment="请补充各服务形式的明细")
    page = html(client_as(inst).get(edit_url(filing)))
    alert = page[page.index("年度报告被退回修改") :]
    assert "请补充各服务形式的明细" in alert[: alert.index("</div>")]
