"""SPEC 5 and STYLE 7: the daily jobs and every list page about annual filings run a fixed number of SQL
queries, whatever the number of bases or filings."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bases import services
from bases.models import AnnualFiling
from core.models import Notification
from tests import factories
from tests.helpers import assert_constant_queries, count_queries, get_ok

from .conftest import at, complete_filing, listed_filings, make_base

pytestmark = pytest.mark.django_db

# The pinned counts (on both SQLite and PostgreSQL), the savepoint pair of the job's transaction included.
# Reminders: the bases due with their institutions, their active accounts, the dedupe look-up, the insert.
# Overdue: the update of drafts, the bases without a row, the insert, the list for the province, its
# officers, the dedupe look-up, the insert. Pages (the session comes from the cache, SESSION_ENGINE
# cached_db): the user, the unread badge, the paginator's count and the list, or for the institution its
# filings and its bases; the queue's filter also reads the regions, and the queue its programme rows, the
# 真实性核查 tolerance and the records' three counts (classes, people per form, people in all). If one grows, a query has crept into
# a loop or a template.
MAX_REMINDER_QUERIES = 6
MAX_OVERDUE_QUERIES = 9
PAGE_QUERIES = {"queue": 10, "queue_flagged": 10, "overview": 3, "filings": 4}


def bases_in_every_situation(n: int) -> list:
    """n bases owing their 2026 filing (a third with a draft, a third returned, a third with nothing), and
    as many that filed."""
    owing = []
    for i in range(n):
        base = make_base()
        if i % 3 == 0:
            factories.AnnualFilingFactory(base=base, year=2026)
        elif i % 3 == 1:
            complete_filing(base, state="returned")
        owing.append(base)
    for i in range(n):
        complete_filing(make_base(), state="accepted" if i % 2 else "submitted", submitted_at=at(2026, 12, 20, 9, 0))
    return owing


def queries_of_a_job(n: int, run) -> tuple[int, int, int]:
    """The queries `run()` makes with n owing bases, what it returned and the rows it notified; everything is
    rolled back. (Each size runs in a world of its own: the job's first run would settle what a second finds.)"""
    with transaction.atomic():
        owing = bases_in_every_situation(n)
        factories.UserFactory(role="province")
        factories.UserFactory(role="province")
        before = Notification.objects.count()
        queries, result = count_queries(run)
        notified = Notification.objects.count() - before
        assert len(owing) == n
        transaction.set_rollback(True)
    return queries, result, notified


def test_the_reminder_job_runs_the_same_queries_for_3_and_for_30_bases(clock):
    clock(at(2026, 12, 1, 8, 0))
    run = lambda: services.send_filing_reminders(today=date(2026, 12, 1))  # noqa: E731
    q3, sent3, notified3 = queries_of_a_job(3, run)
    q30, sent30, notified30 = queries_of_a_job(30, run)
    assert (sent3, notified3, sent30, notified30) == (3, 3, 30, 30)
    assert q3 == q30, f"{q3} queries for 3 bases, {q30} for 30"
    assert q30 <= MAX_REMINDER_QUERIES


def test_a_day_without_reminders_reads_nothing(clock):
    clock(at(2026, 12, 2, 8, 0))
    with CaptureQueriesContext(connection) as ctx:
        assert services.send_filing_reminders(today=date(2026, 12, 2)) == 0
    # Only the savepoint of the service's transaction: no table is read.
    assert all("SAVEPOINT" in q["sql"].upper() for q in ctx.captured_queries)


def test_the_overdue_job_runs_the_same_queries_for_3_and_for_30_bases(clock):
    clock(at(2027, 1, 1, 0, 30))
    run = lambda: services.mark_overdue_filings(today=date(2027, 1, 1))  # noqa: E731
    q3, marked3, notified3 = queries_of_a_job(3, run)
    q30, marked30, notified30 = queries_of_a_job(30, run)
    assert (marked3, marked30) == (3, 30)
    assert notified3 == notified30 == 2  # one notice per province officer, however many bases
    assert q3 == q30, f"{q3} queries for 3 bases, {q30} for 30"
    assert q30 <= MAX_OVERDUE_QUERIES


# -- the list pages -----------------------------------------------------------------------------------------


@pytest.fixture
def pages(province, client_as, clock):
    """For each list page: its client, its URL and how to add n rows to it."""
    clock(at(2027, 1, 2, 9, 0))
    me = make_base()
    extra_bases = []

    def add_queue(n):
        for i in range(n):
            complete_filing(make_base(), state=["submitted", "accepted", "returned"][i % 3], trained_total=900 + i)

    def add_overview(n):
        for i in range(n):
            base = make_base()
            if i % 2:
                complete_filing(base, state="submitted")
            else:
                factories.AnnualFilingFactory(base=base, year=2026, overdue_marked_at=at(2027, 1, 1, 0, 30))

    def add_own(n):
        # One institution running many bases, each with a filing.
        for _ in range(n):
            base = factories.BaseFactory(
                application=factories.ApplicationFactory(institution=me.institution, created_by=me.staff),
                recognised_on=date(2025, 7, 1),
                year=2025,
            )
            extra_bases.append(base)
            complete_filing(base, state="accepted")

    queue = reverse("bases:filing_queue")
    return {
        "queue": (client_as(province), queue, add_queue),
        "queue_flagged": (client_as(province), queue + "?flagged=on&year=2026", add_queue),
        "overview": (client_as(province), reverse("bases:filing_overview") + "?year=2026", add_overview),
        "filings": (client_as(me.staff), reverse("bases:filings"), add_own),
    }


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_the_filing_list_pages_run_the_same_queries_with_5_and_with_50_rows(name, pages):
    client, url, add = pages[name]
    add(5)
    # warm: the session and content-type caches are filled first
    assert_constant_queries(lambda: get_ok(client, url), lambda: add(45), pinned=PAGE_QUERIES[name], warm=True)


def test_the_queue_really_pages_through_50_filings(pages):
    client, url, add = pages["queue"]
    add(50)
    shown = listed_filings(client.get(url)) + listed_filings(client.get(url + "?page=2"))
    shown += listed_filings(client.get(url + "?page=3"))
    assert len(shown) == len(set(shown)) == 50
    assert set(shown) == set(AnnualFiling.objects.values_list("pk", flat=True))
