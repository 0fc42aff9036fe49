"""SPEC 2.4: on 1 January every active base still missing its filing for the year just ended is marked
overdue and listed for the province (once); the base's record shows it, and the province's overview of
the year counts it. A filing submitted at 23:59 on 31 December is on time."""

import re
from datetime import date

import pytest
from django.urls import reverse

from bases import services
from bases.models import AnnualFiling, BaseStatus, FilingState
from core.models import Notification
from core.tasks import run_job
from tests import factories

from .conftest import COMPLETE, PLAN_ROW, REPORT_ROW, at, complete_filing, html, listed_filings, make_base

pytestmark = pytest.mark.django_db

OVERDUE = ["nothing", "draft", "returned", "rectifying", "filed_last_year"]
FILED = ["submitted", "accepted"]
GONE = ["revoked", "cancelled"]


@pytest.fixture
def world(db, clock):
    clock(at(2026, 12, 20))
    w = {
        "nothing": make_base(),
        "draft": make_base(),
        "returned": make_base(),
        "rectifying": make_base(status=BaseStatus.RECTIFYING),
        "filed_last_year": make_base(recognised_on=date(2024, 5, 1)),
        "submitted": make_base(),
        "accepted": make_base(),
        "revoked": make_base(status=BaseStatus.REVOKED),
        "cancelled": make_base(status=BaseStatus.CANCELLED),
        # Recognised after 31 December 2026: owes nothing for 2026.
        "newcomer": make_base(recognised_on=date(2027, 1, 1)),
    }
    w["draft_filing"] = factories.AnnualFilingFactory(base=w["draft"], year=2026, trained_total=800)
    w["returned_filing"] = complete_filing(w["returned"], state="returned")
    w["submitted_filing"] = complete_filing(w["submitted"], state="submitted")
    w["accepted_filing"] = complete_filing(w["accepted"], state="accepted")
    complete_filing(w["filed_last_year"], year=2025, state="accepted")
    return w


def filing_2026(base) -> AnnualFiling | None:
    return AnnualFiling.objects.filter(base=base, year=2026).first()


def overdue_notes():
    return list(Notification.objects.filter(dedupe_key="filing-overdue:2026").order_by("recipient_id"))


def stat(page: str, label: str) -> int:
    match = re.search(rf'<div class="text-muted">{label}</div><div class="stat-number">(\d+)</div>', page)
    assert match, f"no {label} on the page"
    return int(match.group(1))


def test_on_1_january_exactly_the_active_bases_missing_their_filing_are_marked_overdue(
    world, province, province2, clock, step
):
    w = world
    now = clock(at(2027, 1, 1, 0, 30))  # the beat's time
    with step() as s:
        marked = services.mark_overdue_filings(today=date(2027, 1, 1))
    assert marked == len(OVERDUE)

    # Drafts and returned filings keep their state and content and get the mark.
    for name in ("draft", "returned"):
        filing = w[f"{name}_filing"]
        filing.refresh_from_db()
        assert filing.overdue_marked_at == now
    assert w["draft_filing"].state == FilingState.DRAFT and w["draft_filing"].trained_total == 800
    assert w["returned_filing"].state == FilingState.RETURNED
    # Bases with no filing at all get an empty overdue one.
    for name in ("nothing", "rectifying", "filed_last_year"):
        filing = filing_2026(w[name])
        assert (filing.state, filing.overdue_marked_at, filing.trained_total) == (FilingState.DRAFT, now, None)
    # Those who filed are untouched; revoked, cancelled and new bases get nothing.
    for name in FILED:
        filing = w[f"{name}_filing"]
        filing.refresh_from_db()
        assert filing.overdue_marked_at is None
    for name in [*GONE, "newcomer"]:
        assert filing_2026(w[name]) is None
    assert AnnualFiling.objects.filter(year=2026, overdue_marked_at__isnull=False).count() == len(OVERDUE)
    assert AnnualFiling.objects.filter(year=2025, overdue_marked_at__isnull=False).count() == 0

    # The province is told once, each officer by inbox and e-mail, with every overdue base listed.
    assert s.recipients == {province, province2}
    (note, _) = overdue_notes()
    assert note.title == f"2026年度报告逾期未报：{len(OVERDUE)}家基地"
    for name in OVERDUE:
        assert w[name].register_number in note.body and w[name].name in note.body
    for name in [*FILED, *GONE, "newcomer"]:
        assert w[name].register_number not in note.body
    assert note.url == reverse("bases:filing_queue") + "?year=2026&overdue=on"
    assert s.mailed_to == sorted([province.email, province2.email])
    # No institution hears about it from this job.
    assert not Notification.objects.filter(recipient__role="institution").exists()


def test_running_the_overdue_job_again_marks_nothing_new_and_tells_the_province_once(world, province, clock, step):
    first = clock(at(2027, 1, 1, 0, 30))
    with step():
        services.mark_overdue_filings(today=date(2027, 1, 1))
    marks = dict(AnnualFiling.objects.filter(year=2026).values_list("pk", "overdue_marked_at"))

    for moment in (at(2027, 1, 1, 9, 0), at(2027, 1, 2, 0, 30)):
        clock(moment)
        with step() as s:
            assert run_job.delay("annual-filing-overdue").get() == 0
        assert s.notes == [] and s.mails == []
    assert dict(AnnualFiling.objects.filter(year=2026).values_list("pk", "overdue_marked_at")) == marks
    assert set(marks.values()) == {first, None}
    assert len(overdue_notes()) == 1


def test_the_overdue_mark_waits_for_midnight_in_shanghai(clock, step, province):
    """Bases recognised in 2026: at 23:59 on 31 December nothing is overdue, and a filing submitted then
    is on time; at 00:00 on 1 January (16:00 UTC on 31 December) the others are marked."""
    late = make_base(recognised_on=date(2026, 3, 1))
    drafting = make_base(recognised_on=date(2026, 3, 1))
    last_minute = make_base(recognised_on=date(2026, 3, 1))
    clock(at(2026, 12, 1))
    draft = factories.AnnualFilingFactory(base=drafting, year=2026)
    filing = complete_filing(last_minute, state="draft")

    clock(at(2026, 12, 31, 23, 59))
    services.filing_transition(actor=last_minute.staff, filing_id=filing.pk, action="submit")
    with step() as s:
        assert run_job.delay("annual-filing-overdue").get() == 0
    assert s.notes == []
    assert not AnnualFiling.objects.filter(overdue_marked_at__isnull=False).exists()

    clock(at(2027, 1, 1, 0, 0))
    with step() as s:
        assert run_job.delay("annual-filing-overdue").get() == 2
    draft.refresh_from_db()
    filing.refresh_from_db()
    assert draft.overdue_marked_at == at(2027, 1, 1, 0, 0)
    assert filing_2026(late).overdue_marked_at == at(2027, 1, 1, 0, 0)
    assert filing.state == FilingState.SUBMITTED and filing.overdue_marked_at is None
    assert filing.submitted_at == at(2026, 12, 31, 23, 59)
    assert s.titles == ["2026年度报告逾期未报：2家基地"]


def test_the_base_record_shows_overdue_to_the_institution_and_the_province(world, province, client_as, clock):
    clock(at(2027, 1, 1, 0, 30))
    services.mark_overdue_filings(today=date(2027, 1, 1))
    clock(at(2027, 1, 2, 9, 0))
    base = world["nothing"]
    filing = filing_2026(base)

    for user in (base.staff, province):
        page = html(client_as(user).get(reverse("bases:detail", args=[base.pk])))
        card = page.split("年度报告（第十九条）")[1].split("</ul>")[0]
        assert reverse("bases:filing_detail", args=[filing.pk]) in card
        assert '<span class="badge text-bg-danger">逾期</span>' in card
        page = html(client_as(user).get(reverse("bases:filing_detail", args=[filing.pk])))
        assert "逾期（2027年1月1日标记）" in page

    # The institution's filings list shows the overdue filing, still open for late filing.
    page = html(client_as(base.staff).get(reverse("bases:filings")))
    row = page.split(f'href="{reverse("bases:filing_detail", args=[filing.pk])}"')[0].rsplit("<tr>", 1)[1]
    assert "2026" in row and '<span class="badge text-bg-danger">逾期</span>' in row
    assert reverse("bases:filing_edit", args=[filing.pk]) in row
    # A base that filed shows no mark.
    filed = world["submitted"]
    page = html(client_as(filed.staff).get(reverse("bases:detail", args=[filed.pk])))
    assert "逾期" not in page.split("年度报告（第十九条）")[1].split("</ul>")[0]


def test_the_province_overview_and_queue_count_and_list_the_overdue_bases(world, province, client_as, clock):
    clock(at(2027, 1, 1, 0, 30))
    services.mark_overdue_filings(today=date(2027, 1, 1))
    clock(at(2027, 1, 2, 9, 0))
    c = client_as(province)

    page = html(c.get(reverse("bases:filing_overview") + "?year=2026"))
    assert "2026年度报告报送总览" in page
    due = len(OVERDUE) + len(FILED)
    assert stat(page, "应报基地") == due
    assert stat(page, "已报送") == len(FILED)
    assert stat(page, "未按期报送") == len(OVERDUE)
    assert stat(page, "已标记逾期") == len(OVERDUE)
    assert page.count('<span class="badge text-bg-danger">逾期未报</span>') == len(OVERDUE)
    for name in [*GONE, "newcomer"]:
        assert world[name].register_number not in page

    # The link in the province's notice lists exactly the overdue filings.
    (note,) = overdue_notes()
    listed = listed_filings(c.get(note.url))
    marked = AnnualFiling.objects.filter(year=2026, overdue_marked_at__isnull=False).values_list("pk", flat=True)
    assert sorted(listed) == sorted(marked) and len(listed) == len(OVERDUE)


def test_a_late_filing_counts_as_filed_late(world, province, client_as, clock):
    clock(at(2027, 1, 1, 0, 30))
    services.mark_overdue_filings(today=date(2027, 1, 1))
    clock(at(2027, 1, 5, 10, 0))
    staff, filing = world["nothing"].staff, filing_2026(world["nothing"])
    services.save_filing(actor=staff, filing_id=filing.pk, data=COMPLETE, programmes=[REPORT_ROW, PLAN_ROW])
    services.filing_transition(actor=staff, filing_id=filing.pk, action="submit")

    page = html(client_as(province).get(reverse("bases:filing_overview") + "?year=2026"))
    assert stat(page, "已报送") == len(FILED) + 1
    assert stat(page, "已标记逾期") == len(OVERDUE) - 1
    assert page.count('<span class="badge text-bg-warning">逾期提交</span>') == 1
    # The next run leaves the late filing alone.
    clock(at(2027, 1, 6, 0, 30))
    assert services.mark_overdue_filings(today=date(2027, 1, 6)) == 0


def test_art19_a_filing_submitted_after_31_december_is_overdue_even_when_the_job_runs_late(
    world, province, client_as, clock
):
    """Issue 14 (11): the 1 January job did not run until the 3rd; a base that submitted on the 2nd had
    escaped the mark, because the job only looked at what was filed when it ran."""
    clock(at(2027, 1, 2, 9, 0))
    staff, base = world["nothing"].staff, world["nothing"]
    filing = services.start_filing(actor=staff, base_id=base.pk, year=2026)
    services.save_filing(actor=staff, filing_id=filing.pk, data=COMPLETE, programmes=[REPORT_ROW, PLAN_ROW])
    services.filing_transition(actor=staff, filing_id=filing.pk, action="submit")

    clock(at(2027, 1, 3, 0, 30))  # the catch-up run after an outage
    services.mark_overdue_filings(today=date(2027, 1, 3))

    filing.refresh_from_db()
    assert filing.overdue_marked_at is not None and filing.filed_late
    for on_time in FILED:  # filed before the deadline: never marked
        assert filing_2026(world[on_time]).overdue_marked_at is None
    assert "逾期报送" in html(client_as(staff).get(reverse("bases:filing_detail", args=[filing.pk])))


def test_art19_a_filing_submitted_on_time_and_returned_stays_on_time_when_resubmitted_in_january(
    world, province, clock
):
    returned = world["returned_filing"]
    first = returned.submitted_at = at(2026, 12, 30, 10, 0)
    returned.save(update_fields=["submitted_at"])
    clock(at(2027, 1, 4, 9, 0))
    services.filing_transition(actor=world["returned"].staff, filing_id=returned.pk, action="submit")
    services.mark_overdue_filings(today=date(2027, 1, 4))
    returned.refresh_from_db()
    assert returned.submitted_at == first and returned.overdue_marked_at is None
