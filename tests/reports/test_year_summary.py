"""The province's year-end summary (SPEC 4): bases recognised in the year, bases live at its end, trainees
reported (Art. 19), inspections by result (Art. 20-21), rectifications ordered and passed, revocations
(Art. 23); its Excel export lists the year's new bases. Only the province sees it."""

from datetime import date
from urllib.parse import unquote

import pytest
from django.urls import reverse

from bases.models import FilingState
from reports import selectors
from supervision.models import InspectionKind, InspectionState, RectificationState, RevocationGround
from tests.helpers import visible_text

from . import build
from .build import XIAMEN, Sheet, read_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2024():
    """Records around 2024 whose figures are known; returns the bases recognised in 2024 by register order."""
    earlier = {d: date(2023, 5, 1) for d in "甲乙丙丁"}
    jia, yi, bing, ding = (build.base(f"二三年基地{x}", recognised_on=earlier[x]) for x in "甲乙丙丁")
    build.base("二三年末基地", recognised_on=date(2023, 12, 31))
    build.base("二五年基地", recognised_on=date(2025, 1, 1))
    # recognised in 2024, created out of register order on purpose
    third = build.base("二四年基地03号", recognised_on=date(2024, 7, 1), sequence=903)
    first = build.base("二四年基地01号", recognised_on=date(2024, 1, 1), sequence=901)
    second = build.base("二四年基地02号", code=XIAMEN, recognised_on=date(2024, 12, 31), sequence=902)

    build.revocation(yi, date(2024, 6, 30))  # gone before the year's end
    build.revocation(ding, date(2024, 12, 31), RevocationGround.PUBLIC_OPINION)  # gone on its last day
    build.revocation(third, date(2024, 11, 1), RevocationGround.REQUESTED)
    build.revocation(bing, date(2025, 2, 1), RevocationGround.REQUESTED)  # still live at the end of 2024

    build.filing(jia, 2024, 1500, state=FilingState.ACCEPTED, priority_area_trainees=200)
    build.filing(first, 2024, 800, state=FilingState.SUBMITTED, priority_area_trainees=100)
    build.filing(bing, 2024, 3000, state=FilingState.DRAFT, priority_area_trainees=900)
    build.filing(second, 2024, 400, state=FilingState.RETURNED, priority_area_trainees=50)
    build.filing(jia, 2023, 1200, state=FilingState.ACCEPTED, priority_area_trainees=70)

    build.inspection(jia, on=date(2024, 3, 1), result="excellent")
    build.inspection(
        first, kind=InspectionKind.SPOT_CHECK, on=date(2024, 5, 1), result="pass", state=InspectionState.PUBLISHED
    )
    build.inspection(bing, on=date(2024, 12, 31), result="pass")
    build.inspection(second, on=date(2024, 1, 1), result="fail")
    build.inspection(jia, on=date(2023, 12, 31), result="excellent")  # the year before
    build.inspection(first, on=date(2024, 8, 1), state=InspectionState.SCHEDULED)  # no result yet

    build.order(yi, state=RectificationState.FAILED, ordered_at=build.at(2024, 2, 1, 9, 0))
    build.order(first, state=RectificationState.PASSED, ordered_at=build.at(2024, 12, 31, 23, 30))
    build.order(bing, state=RectificationState.OPEN, ordered_at=build.at(2024, 1, 1, 0, 10))
    build.order(jia, state=RectificationState.PASSED, ordered_at=build.at(2023, 12, 31, 23, 50))
    build.order(second, state=RectificationState.PASSED, ordered_at=build.at(2025, 1, 1, 0, 10))
    return [first, second, third]


def test_summary_counts_the_bases_recognised_in_the_year(year_2024):
    s = selectors.year_summary(2024)
    assert s.recognised == 3
    assert s.recognised_bases == [
        (b.register_number, b.name, city) for b, city in zip(year_2024, ["福州市", "厦门市", "福州市"], strict=True)
    ]


def test_summary_counts_bases_live_at_the_years_end_leaving_out_those_revoked_or_cancelled_by_then(year_2024):
    # 甲, 丙 (cancelled only in 2025), 二三年末, 二四年01 and 02; not 乙 (revoked 30 June), 丁 (revoked on
    # 31 December), 二四年03 (cancelled in November) nor 二五年 (recognised later)
    assert selectors.year_summary(2024).live_at_end == 5
    assert selectors.year_summary(2023).live_at_end == 5  # 甲乙丙丁 and 二三年末


def test_summary_sums_trainees_of_submitted_and_accepted_reports_of_the_year(year_2024):
    s = selectors.year_summary(2024)
    assert (s.filings, s.trainees, s.priority_area_trainees) == (2, 2300, 300)


def test_summary_counts_the_years_inspections_by_result(year_2024):
    assert selectors.year_summary(2024).inspections == {"excellent": 1, "pass": 2, "fail": 1}


def test_summary_counts_rectifications_ordered_in_the_year_on_the_asia_shanghai_calendar(year_2024):
    s = selectors.year_summary(2024)
    # 2024-12-31 23:30 and 2024-01-01 00:10 in Shanghai are in 2024; 2023-12-31 23:50 and 2025-01-01 00:10 are not
    assert (s.rectifications_ordered, s.rectifications_passed) == (3, 1)


def test_summary_counts_revocations_effective_in_the_year_by_ground(year_2024):
    assert selectors.year_summary(2024).revocations == {"整改不合格": 1, "引发重大舆情": 1, "主动申请取消": 1}
    assert selectors.year_summary(2025).revocations == {"主动申请取消": 1}


def test_summary_page_shows_every_figure(year_2024, province_user, client_as):
    response = client_as(province_user).get(reverse("reports:year_summary") + "?year=2024")
    assert response.status_code == 200
    text = visible_text(response)
    assert "福建省省级专业技术人员继续教育基地2024年度工作情况" in text
    assert "本年度新认定基地 3家" in text
    assert "年末在册基地 5家" in text
    assert "报送年度报告的基地 2家" in text
    assert "培训专业技术人员 2300人，其中革命老区、民族地区和不发达地区学员300人" in text
    assert "考核与抽查 优秀1家次，合格2家次，不合格1家次" in text
    assert "责令限期整改 3家次，其中整改通过1家次" in text
    for part in ("1家（整改不合格）", "1家（引发重大舆情）", "1家（主动申请取消）"):
        assert part in text
    for b in year_2024:
        assert b.register_number in text and b.name in text


def test_summary_page_defaults_to_last_year_before_december(year_2024, province_user, client_as):
    text = visible_text(client_as(province_user).get(reverse("reports:year_summary")))
    assert "2024年度工作情况" in text and "本年度新认定基地 3家" in text


def test_summary_page_of_a_quiet_year_says_none(province_user, client_as):
    text = visible_text(client_as(province_user).get(reverse("reports:year_summary") + "?year=2021"))
    assert "本年度新认定基地 0家" in text and "撤销或取消资格 无" in text


def test_summary_xlsx_export_lists_the_years_new_bases(year_2024, province_user, client_as):
    client = client_as(province_user)
    page = client.get(reverse("reports:year_summary") + "?year=2024")
    assert 'href="?year=2024&amp;export=xlsx"' in page.content.decode()  # the page's link keeps the year
    sheet = Sheet(client.get(reverse("reports:year_summary") + "?year=2024&export=xlsx"))
    assert sheet.header == ["基地编号", "基地名称", "设区市"]
    assert sheet.ws.freeze_panes == "A2"
    assert sheet.rows == [
        [year_2024[0].register_number, "二四年基地01号", "福州市"],
        [year_2024[1].register_number, "二四年基地02号", "厦门市"],
        [year_2024[2].register_number, "二四年基地03号", "福州市"],
    ]
    rows = read_csv(client.get(reverse("reports:year_summary") + "?year=2024&export=csv"))
    assert rows == [sheet.header, *sheet.rows]


def test_summary_export_filename_names_the_year_and_the_day(year_2024, province_user, client_as):
    response = client_as(province_user).get(reverse("reports:year_summary") + "?year=2024&export=xlsx")
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment")
    assert "2024年度新认定基地-20250615.xlsx" in disposition
