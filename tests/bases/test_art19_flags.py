"""Art. 19 (and Art. 7(5)): every base trains at least 1000 people a year. A report with fewer than 1000
trained, or a plan under 1000, is flagged on the filing, in the province's queue and on the base."""

import pytest
from django.urls import reverse

from bases.models import MIN_ANNUAL_TRAINEES

from .conftest import at, complete_filing, html, listed_filings, make_base

pytestmark = pytest.mark.django_db

REPORT_FLAG = "2026年培训{n}人，不足1000人（第七条第五项、第十九条）"
PLAN_FLAG = "2027年计划培训{n}人，不足1000人（第十九条）"


@pytest.fixture
def filings(db, clock):
    """Submitted filings for 2026: report short, plan short, both short, both exactly 1000, both ample."""
    clock(at(2026, 12, 28))
    return {
        "report_short": complete_filing(make_base(), trained_total=999, plan_trainees=1200),
        "plan_short": complete_filing(make_base(), trained_total=1800, plan_trainees=600),
        "both_short": complete_filing(make_base(), trained_total=300, plan_trainees=400),
        "exactly": complete_filing(make_base(), trained_total=1000, plan_trainees=1000),
        "ample": complete_filing(make_base(), trained_total=1500, plan_trainees=1600),
    }


def test_the_target_is_1000_trainees():
    assert MIN_ANNUAL_TRAINEES == 1000


@pytest.mark.parametrize(
    "name, shown",
    [
        ("report_short", [REPORT_FLAG.format(n=999)]),
        ("plan_short", [PLAN_FLAG.format(n=600)]),
        ("both_short", [REPORT_FLAG.format(n=300), PLAN_FLAG.format(n=400)]),
        ("exactly", []),
        ("ample", []),
    ],
)
def test_a_report_or_plan_under_1000_trainees_is_flagged_on_the_filing_page(name, shown, filings, province, client_as):
    filing = filings[name]
    page = html(client_as(province).get(reverse("bases:filing_detail", args=[filing.pk])))
    flags = [line for line in page.split('<div class="alert alert-warning">')[1:]]
    flags = [f.split("</div>")[0] for f in flags]
    assert flags == shown
    # The institution sees the same on its own page.
    own = html(client_as(filing.base.staff).get(reverse("bases:filing_detail", args=[filing.pk])))
    for flag in shown:
        assert flag in own


def test_the_edit_page_flags_a_saved_draft_under_1000(client_as, clock):
    clock(at(2026, 12, 10))
    filing = complete_filing(make_base(), state="draft", trained_total=850, plan_trainees=1000)
    page = html(client_as(filing.base.staff).get(reverse("bases:filing_edit", args=[filing.pk])))
    assert REPORT_FLAG.format(n=850) in page
    assert PLAN_FLAG.format(n=1000) not in page


def test_the_province_queue_marks_flagged_filings_and_filters_them(filings, province, client_as):
    c = client_as(province)
    url = reverse("bases:filing_queue")
    everything = listed_filings(c.get(url))
    assert set(everything) == {f.pk for f in filings.values()}

    flagged = listed_filings(c.get(url + "?flagged=on"))
    assert sorted(flagged) == sorted(filings[k].pk for k in ("report_short", "plan_short", "both_short"))

    page = html(c.get(url))
    assert page.count('<span class="badge text-bg-warning">不足1000人</span>') == 3
    # The short figure itself is marked in its column; 1000 is not short.
    assert 'class="text-danger fw-bold" title="不足1000人">999<' in page
    assert 'class="text-danger fw-bold" title="不足1000人">600<' in page
    assert 'title="不足1000人">1000<' not in page


def test_the_flagged_filter_combines_with_the_year(filings, province, client_as, clock):
    old = complete_filing(make_base(), year=2025, trained_total=10, plan_trainees=10)
    c = client_as(province)
    url = reverse("bases:filing_queue")
    assert old.pk in listed_filings(c.get(url + "?flagged=on"))
    assert old.pk not in listed_filings(c.get(url + "?flagged=on&year=2026"))
    assert listed_filings(c.get(url + "?flagged=on&year=2025")) == [old.pk]


@pytest.mark.parametrize("name, flagged", [("both_short", True), ("plan_short", True), ("exactly", False)])
def test_the_bases_own_page_shows_the_flag(name, flagged, filings, province, client_as):
    filing = filings[name]
    base_url = reverse("bases:detail", args=[filing.base.pk])
    for user in (filing.base.staff, province):
        page = html(client_as(user).get(base_url))
        card = page.split("年度报告（第十九条）")[1].split("</ul>")[0]
        assert reverse("bases:filing_detail", args=[filing.pk]) in card
        assert "2026年度" in card and "待备案" in card
        assert ("不足1000人" in card) is flagged
