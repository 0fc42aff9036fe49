"""SPEC 4: every figure of the province's dashboard, against records built with known numbers.

Bases by city, type and status; each batch's funnel; annual training against the 1000 target (Art. 19);
periodic-inspection coverage within 3 years and the due/overdue lists (Art. 20); rectifications in
progress (Art. 23); bars in force (Art. 24).
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import InstitutionType
from applications.models import BarKind, State
from bases.models import BaseStatus, FilingState
from reports import selectors
from supervision.models import InspectionKind, InspectionState, RectificationState
from tests.helpers import visible_text

from . import build
from .build import FUZHOU, TODAY, XIAMEN

pytestmark = pytest.mark.django_db


def dashboard(user):
    return selectors.dashboard(user, TODAY)


# -- bases by city, type and status --------------------------------------------------------------------------


@pytest.fixture
def bases_of_two_cities():
    build.base("福州大学甲", kind=InstitutionType.UNIVERSITY)
    build.base("福州大学乙", kind=InstitutionType.UNIVERSITY)
    build.base("福州培训丙", kind=InstitutionType.TRAINING, status=BaseStatus.RECTIFYING)
    build.base("福州培训丁", kind=InstitutionType.TRAINING, status=BaseStatus.REVOKED)
    build.base("福州学会戊", kind=InstitutionType.ASSOCIATION, status=BaseStatus.CANCELLED)
    build.base("厦门研究所己", code=XIAMEN, kind=InstitutionType.RESEARCH)
    build.base("厦门企业庚", code=XIAMEN, kind=InstitutionType.ENTERPRISE, status=BaseStatus.REVOKED)


def test_bases_by_city_count_active_rectifying_and_revoked_or_cancelled_apart(province_user, bases_of_two_cities):
    rows = {name: counts for name, *counts in dashboard(province_user).by_region}
    assert rows["福州市"] == [2, 1, 2]  # active, rectifying, revoked + cancelled
    assert rows["厦门市"] == [1, 0, 1]
    assert rows["莆田市"] == [0, 0, 0]
    # all ten city-level units are listed, in their order
    assert list(rows) == [
        "福州市",
        "厦门市",
        "莆田市",
        "三明市",
        "泉州市",
        "漳州市",
        "南平市",
        "龙岩市",
        "宁德市",
        "平潭综合实验区",
    ]


def test_bases_by_type_count_only_live_bases(province_user, bases_of_two_cities):
    assert dashboard(province_user).by_type == [
        ("高等院校", 2),
        ("科研院所", 1),
        ("教育培训机构", 1),  # the revoked one is not counted
        ("专业协会（学会）", 0),  # cancelled
        ("大中型企业施教机构", 0),  # revoked
        ("其他组织和单位", 0),
    ]


def test_bases_by_status_count_every_status(province_user, bases_of_two_cities):
    assert dashboard(province_user).by_status == [
        ("正常", 3),
        ("整改中", 1),
        ("暂停", 0),
        ("已撤销", 2),
        ("已取消", 1),
        ("已合并", 0),
    ]


def test_dashboard_page_shows_the_city_table_and_status_cards(province_user, bases_of_two_cities, client_as):
    response = client_as(province_user).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<tr><td>福州市</td><td>2</td><td>1</td><td>2</td></tr>" in html
    assert "<tr><td>厦门市</td><td>1</td><td>0</td><td>1</td></tr>" in html
    text = visible_text(response)
    for label, n in [("正常", 3), ("整改中", 1), ("暂停", 0), ("已撤销", 2), ("已取消", 1), ("已合并", 0)]:
        assert f" {label} {n} " in text


# -- each batch's funnel -------------------------------------------------------------------------------------


def test_funnel_counts_each_batch_from_filed_to_recognised(province_user):
    spring = build.closed_batch("2025年第一批", year=2025)
    autumn = build.closed_batch("2024年第二批", year=2024)
    build.closed_batch("2025年第二批（无人申报）", year=2025)
    for i, state in enumerate(
        [State.DRAFT, State.DRAFT, State.WITHDRAWN]  # filed, never submitted
        + [State.SUBMITTED, State.RETURNED, State.NOT_RECOMMENDED]
        + [State.RECOMMENDED, State.UNDER_REVIEW, State.SITE_VISIT, State.APPROVED, State.APPROVED, State.REJECTED]
    ):
        build.application(f"春季申报机构{i:02d}号", state=state, batch=spring)
    build.application("秋季申报机构01号", state=State.APPROVED, batch=autumn)
    build.application("秋季申报机构02号", state=State.DRAFT, batch=autumn)

    assert dashboard(province_user).funnel == [
        # name, filed (drafts too), submitted, recommended or later, not recommended, recognised, rejected
        ("2025年第一批", 12, 9, 6, 1, 2, 1),
        ("2024年第二批", 2, 1, 1, 0, 1, 0),
    ]


def test_funnel_page_shows_each_batch_row(province_user, client_as):
    batch = build.closed_batch("2025年第一批", year=2025)
    build.application("申报机构01号", state=State.DRAFT, batch=batch)
    build.application("申报机构02号", state=State.APPROVED, batch=batch)
    html = client_as(province_user).get(reverse("reports:dashboard")).content.decode()
    assert "<tr><td>2025年第一批</td><td>2</td><td>1</td><td>1</td><td>0</td><td>1</td><td>0</td></tr>" in html


def test_funnel_lists_a_batch_with_applications_even_after_eight_newer_empty_batches(province_user):
    old = build.closed_batch("2023年第一批", year=2023)
    build.application("申报机构01号", state=State.APPROVED, batch=old)
    for i in range(8):
        build.closed_batch(f"2025年第{i + 1}批", year=2025)
    assert [row[0] for row in dashboard(province_user).funnel] == ["2023年第一批"]


# -- annual training against the target (Art. 19) -------------------------------------------------------------


@pytest.fixture
def filings():
    a, b, c, d, e = (build.base(f"年报基地{x}") for x in "甲乙丙丁戊")
    build.filing(a, 2024, 1500, state=FilingState.ACCEPTED, plan=1200)
    build.filing(b, 2024, 800, state=FilingState.SUBMITTED, plan=1000)
    build.filing(c, 2024, 999, state=FilingState.ACCEPTED, plan=900)
    build.filing(d, 2024, 5000, state=FilingState.DRAFT, plan=5000)  # not filed yet
    build.filing(e, 2024, 300, state=FilingState.RETURNED, plan=300)  # sent back: not counted
    build.filing(a, 2023, 1000, state=FilingState.ACCEPTED, plan=1500)  # exactly the target: not under
    build.filing(b, 2023, 2000, state=FilingState.SUBMITTED, plan=1500)
    return a, b, c, d, e


def test_training_totals_per_year_count_only_submitted_and_accepted_filings(province_user, filings):
    assert dashboard(province_user).training == [
        # year, filings, trained, planned for the next year, under 1000
        (2024, 3, 1500 + 800 + 999, 1200 + 1000 + 900, 2),
        (2023, 2, 3000, 3000, 0),
    ]


def test_under_target_list_names_each_filed_report_under_1000_fewest_first(province_user, filings):
    _, b, c, _, _ = filings
    assert dashboard(province_user).under_target == [
        (2024, "年报基地乙", b.register_number, 800),
        (2024, "年报基地丙", c.register_number, 999),
    ]


def test_dashboard_page_shows_the_training_table_and_under_target_list(province_user, filings, client_as):
    response = client_as(province_user).get(reverse("reports:dashboard"))
    html = response.content.decode()
    assert "<tr><td>2024</td><td>3</td><td>3299</td><td>3100</td><td>2</td></tr>" in html
    text = visible_text(response)
    assert "2024年 · 年报基地乙（" in text and "）：800人" in text
    assert "年报基地戊" not in text and "年报基地丁" not in text


# -- inspection coverage (Art. 20: at least once every 3 years) ------------------------------------------------


THREE_YEARS_AGO = date(2022, 6, 15)
# recognised long ago: only an inspection covers these bases
LONG_AGO = date(2019, 6, 1)


def test_coverage_is_the_share_of_live_bases_with_a_confirmed_periodic_inspection_within_3_years(province_user):
    covered = build.base("考核基地甲", recognised_on=LONG_AGO)
    build.inspection(covered, on=date(2024, 1, 10))
    build.inspection(covered, on=date(2019, 1, 10))  # an older one changes nothing
    rectifying = build.base("考核基地乙", recognised_on=LONG_AGO, status=BaseStatus.RECTIFYING)
    build.inspection(rectifying, on=date(2023, 5, 5), state=InspectionState.PUBLISHED)
    too_old = build.base("考核基地丙", recognised_on=LONG_AGO)
    build.inspection(too_old, on=THREE_YEARS_AGO - timedelta(days=1))  # 3 years + 1 day ago
    spot_only = build.base("考核基地丁", recognised_on=LONG_AGO)
    build.inspection(spot_only, kind=InspectionKind.SPOT_CHECK, on=date(2025, 1, 1))
    unconfirmed = build.base("考核基地戊", recognised_on=LONG_AGO)
    build.inspection(unconfirmed, on=date(2025, 3, 1), state=InspectionState.RECORDED)
    scheduled = build.base("考核基地己", recognised_on=LONG_AGO)
    build.inspection(scheduled, on=date(2025, 7, 1), state=InspectionState.SCHEDULED)
    revoked = build.base("考核基地庚", recognised_on=LONG_AGO, status=BaseStatus.REVOKED)
    build.inspection(revoked, on=date(2025, 1, 1))  # not live: neither counted nor covered

    assert dashboard(province_user).coverage == {"total": 6, "covered": 2, "share": 33.3}


def test_coverage_with_no_live_bases_is_zero_not_an_error(province_user):
    build.base("已撤销基地", recognised_on=LONG_AGO, status=BaseStatus.REVOKED)
    assert dashboard(province_user).coverage == {"total": 0, "covered": 0, "share": 0}


def test_an_inspection_exactly_3_years_ago_still_covers_the_base(province_user):
    b = build.base("考核基地甲", recognised_on=LONG_AGO, next_inspection_due=TODAY)
    build.inspection(b, on=THREE_YEARS_AGO)
    d = dashboard(province_user)
    assert d.due_soon == [("考核基地甲", b.register_number, TODAY)] and d.overdue == []  # not overdue today
    assert d.coverage == {"total": 1, "covered": 1, "share": 100.0}


def test_dashboard_page_shows_the_coverage(province_user, client_as):
    build.inspection(build.base("考核基地甲", recognised_on=LONG_AGO), on=date(2024, 1, 10))
    build.base("考核基地乙", recognised_on=LONG_AGO)
    build.base("考核基地丙", recognised_on=LONG_AGO)
    text = visible_text(client_as(province_user).get(reverse("reports:dashboard")))
    assert " 33.3% " in text
    assert "在册基地3家，近3年内完成实地考察或认定1家。" in text


def test_art20_a_base_recognised_within_3_years_counts_as_covered(province_user):
    build.base("新认定基地", recognised_on=THREE_YEARS_AGO)  # exactly 3 years ago: still within
    build.base("老基地", recognised_on=THREE_YEARS_AGO - timedelta(days=1))  # its first inspection was due
    assert dashboard(province_user).coverage == {"total": 2, "covered": 1, "share": 50.0}


# -- due within 90 days and overdue --------------------------------------------------------------------------


def test_due_soon_and_overdue_lists_come_from_the_next_inspection_due_date(province_user):
    def due(name, on, **kw):
        return build.base(name, next_inspection_due=on, **kw)

    long_overdue = due("到期基地01号", date(2025, 1, 1))
    yesterday = due("到期基地02号", TODAY - timedelta(days=1))
    today = due("到期基地03号", TODAY)
    rectifying = due("到期基地04号", date(2025, 7, 1), status=BaseStatus.RECTIFYING)
    day_90 = due("到期基地05号", TODAY + timedelta(days=90))
    due("到期基地06号", TODAY + timedelta(days=91))  # not yet
    due("到期基地07号", date(2025, 1, 1), status=BaseStatus.REVOKED)  # no longer a base
    due("到期基地08号", None)  # no date

    d = dashboard(province_user)
    assert d.overdue == [
        ("到期基地01号", long_overdue.register_number, date(2025, 1, 1)),
        ("到期基地02号", yesterday.register_number, date(2025, 6, 14)),
    ]
    assert d.due_soon == [
        ("到期基地03号", today.register_number, TODAY),
        ("到期基地04号", rectifying.register_number, date(2025, 7, 1)),
        ("到期基地05号", day_90.register_number, date(2025, 9, 13)),
    ]


def test_dashboard_page_shows_due_and_overdue_with_chinese_dates(province_user, client_as):
    build.base("到期基地01号", next_inspection_due=date(2025, 1, 1))
    build.base("到期基地02号", next_inspection_due=date(2025, 9, 13))
    text = visible_text(client_as(province_user).get(reverse("reports:dashboard")))
    assert "定期考核已逾期（1） 到期基地01号（截止2025年1月1日）" in text
    assert "90日内到期（1） 到期基地02号（截止2025年9月13日）" in text


# -- rectifications in progress (Art. 23) ---------------------------------------------------------------------


def test_rectifications_in_progress_are_the_open_and_reported_orders_by_deadline(province_user):
    missed = build.at(2025, 6, 1, 0, 5)
    build.order(build.base("整改基地甲"), state=RectificationState.OPEN, deadline=date(2025, 7, 1))
    build.order(build.base("整改基地乙"), state=RectificationState.REPORTED, deadline=date(2025, 6, 20))
    build.order(
        build.base("整改基地丙"), state=RectificationState.OPEN, deadline=date(2025, 5, 31), deadline_missed_at=missed
    )
    build.order(build.base("整改基地丁"), state=RectificationState.PASSED)
    build.order(build.base("整改基地戊"), state=RectificationState.FAILED)

    assert dashboard(province_user).rectifications == [
        ("整改基地丙", date(2025, 5, 31), "open", missed),
        ("整改基地乙", date(2025, 6, 20), "reported", None),
        ("整改基地甲", date(2025, 7, 1), "open", None),
    ]


def test_dashboard_page_marks_a_missed_deadline_and_a_report_waiting(province_user, client_as):
    build.order(build.base("整改基地甲"), deadline=date(2025, 5, 31), deadline_missed_at=build.at(2025, 6, 1, 0, 5))
    build.order(build.base("整改基地乙"), state=RectificationState.REPORTED, deadline=date(2025, 6, 20))
    text = visible_text(client_as(province_user).get(reverse("reports:dashboard")))
    assert "整改中（2）" in text
    assert "整改基地甲：期限2025年5月31日 逾期" in text
    assert "整改基地乙：期限2025年6月20日 · 已报告待核验" in text


# -- bars in force (Art. 24) -----------------------------------------------------------------------------------


def test_bars_in_force_exclude_expired_and_not_yet_started_ones(province_user):
    build.bar("受限机构甲", kind=BarKind.FRAUD, starts_on=date(2024, 1, 1), last_day=None)
    build.bar("受限机构乙", starts_on=date(2024, 3, 1), last_day=date(2027, 3, 1))
    build.bar("受限机构丙", starts_on=date(2022, 6, 15), last_day=TODAY)  # its last day: still in force
    build.bar("受限机构丁", starts_on=date(2021, 1, 1), last_day=TODAY - timedelta(days=1))  # expired yesterday
    build.bar("受限机构戊", starts_on=TODAY + timedelta(days=1), last_day=date(2028, 6, 16))  # from tomorrow

    assert dashboard(province_user).bars == [
        ("受限机构乙", "revocation", date(2024, 3, 1), date(2027, 3, 1)),
        ("受限机构甲", "fraud", date(2024, 1, 1), None),
        ("受限机构丙", "revocation", date(2022, 6, 15), TODAY),
    ]


def test_dashboard_page_shows_bars_with_their_last_day_or_permanent(province_user, client_as):
    build.bar("受限机构甲", kind=BarKind.FRAUD, starts_on=date(2024, 1, 1), last_day=None)
    build.bar("受限机构乙", starts_on=date(2024, 3, 1), last_day=date(2027, 3, 1))
    build.bar("受限机构丁", starts_on=date(2021, 1, 1), last_day=date(2024, 1, 1))
    text = visible_text(client_as(province_user).get(reverse("reports:dashboard")))
    assert "生效中的不予受理（2，第二十四条）" in text
    assert "受限机构甲：永久" in text and "受限机构乙：至2027年3月1日" in text
    assert "受限机构丁" not in text


def test_empty_dashboard_says_there_is_nothing(province_user, client_as):
    response = client_as(province_user).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    text = visible_text(response)
    assert "暂无申报。" in text and "暂无年度报告。" in text
    assert "在册基地0家，近3年内完成实地考察或认定0家。" in text
    assert 'src="/reports/charts/funnel.svg"' not in response.content.decode()  # no empty chart


def test_dashboard_counts_a_base_once_whatever_its_inspections_and_filings(province_user):
    b = build.base("多记录基地", code=FUZHOU)
    for year in (2022, 2023, 2024):
        build.filing(b, year, 1200)
    for on in (date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)):
        build.inspection(b, on=on)
    d = dashboard(province_user)
    assert d.by_status[0] == ("正常", 1)
    assert d.coverage == {"total": 1, "covered": 1, "share": 100.0}
    assert [row[1] for row in d.training] == [1, 1, 1]
