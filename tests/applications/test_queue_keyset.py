"""Issue 20: the queues page by keyset ("seek"): every row shows once across the pages, going forward or back,
ties on the submission time broken by id; priority applicants (Art. 8(2): 优先遴选) before the rest on every page;
the filters stay in the links; a deep page runs the queries of the first; a cursor that is not one shows the first
page."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from tests import factories
from tests.helpers import count_queries, get_ok

from .test_queue_queries import FUZHOU, listed_ids

pytestmark = pytest.mark.django_db

PROVINCE_QUEUE = reverse("applications:province_queue")
RECOMMENDER_QUEUE = reverse("applications:recommender_queue")


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def submitted(n, *, at, state=State.RECOMMENDED, **fields):
    """n applications routed to Fuzhou, all last submitted at the same moment `at` (a tie on the sort key)."""
    return [
        factories.ApplicationFactory(
            institution=factories.InstitutionFactory(region=factories.region(FUZHOU)),
            state=state,
            submitted_at=at,
            last_submitted_at=at,
            **fields,
        )
        for _ in range(n)
    ]


@pytest.fixture
def crowd(db):
    """47 applications in the province's queue: ties on the submission time within and across priority, the
    priority ones submitted last (so only the stored rank puts them first), and one never submitted at all."""
    t0 = timezone.now() - timedelta(days=3)
    plain = submitted(12, at=t0) + submitted(9, at=t0 + timedelta(hours=1), state=State.UNDER_REVIEW)
    plain += submitted(8, at=t0 + timedelta(hours=2), state=State.SITE_VISIT)
    priority = submitted(10, at=t0 + timedelta(days=1), is_city_base=True)
    priority += submitted(7, at=t0 + timedelta(days=2), is_industry_base=True, state=State.UNDER_REVIEW)
    (unsent,) = submitted(1, at=None, state=State.UNDER_REVIEW)
    submitted(3, at=t0, state=State.SUBMITTED)  # not the province's yet
    expected = [
        a.pk
        for a in sorted(
            priority + plain + [unsent],
            key=lambda a: (not a.is_priority, a.last_submitted_at is None, a.last_submitted_at or t0, a.pk),
        )
    ]
    return {"expected": expected, "priority": {a.pk for a in priority}, "unsent": unsent.pk}


def link(response, label) -> str | None:
    match = re.search(rf'href="(\?[^"]*)">{label}</a>', response.content.decode())
    return html.unescape(match.group(1)) if match else None


def walk(client, url, label="下一页"):
    """The pages from `url` following `label` links until there is none: [(response, ids)]."""
    pages = []
    response = get_ok(client, url)
    while True:
        pages.append((response, listed_ids(response)))
        following = link(response, label)
        if following is None:
            return pages
        assert len(pages) < 20, "the links go round in a circle"
        response = get_ok(client, url.split("?")[0] + following)


def test_every_row_shows_once_in_the_stored_order_forward_and_back(crowd, province_user, client_as):
    client = client_as(province_user)
    pages = walk(client, PROVINCE_QUEUE)
    shown = [pk for _, ids in pages for pk in ids]
    assert shown == crowd["expected"]  # none lost, none repeated, ties broken by id, never submitted last
    assert [len(ids) for _, ids in pages] == [20, 20, 7]
    assert "第3页" in pages[-1][0].content.decode()
    # back from the last page, 上一页 by 上一页: the same pages, the same rows
    back = walk(client, PROVINCE_QUEUE + link(pages[-2][0], "下一页"), label="上一页")
    assert [ids for _, ids in back] == [ids for _, ids in reversed(pages)]
    assert "第1页" in back[-1][0].content.decode()


def test_priority_applicants_come_first_however_late_they_were_submitted(crowd, province_user, client_as):
    shown = [pk for _, ids in walk(client_as(province_user), PROVINCE_QUEUE) for pk in ids]
    n = len(crowd["priority"])
    assert set(shown[:n]) == crowd["priority"]
    assert not set(shown[n:]) & crowd["priority"]
    assert shown[-1] == crowd["unsent"]


def test_the_filters_stay_in_the_page_links(crowd, province_user, client_as):
    client = client_as(province_user)
    url = f"{PROVINCE_QUEUE}?state={State.RECOMMENDED}&q=&priority="
    pages = walk(client, url)
    for response, _ in pages[:-1]:
        assert "state=recommended" in link(response, "下一页")
    expected = [pk for pk in crowd["expected"] if Application.objects.get(pk=pk).state == State.RECOMMENDED]
    assert [pk for _, ids in pages for pk in ids] == expected
    # the export links of a deep page export the whole filtered list, not the page
    deep = pages[-1][0].content.decode()
    export = html.unescape(re.search(r'href="(\?[^"]*export=csv[^"]*)"', deep).group(1))
    assert "after=" not in export and "state=recommended" in export


def test_the_count_is_exact_up_to_a_bound_then_says_more_than(crowd, province_user, client_as, monkeypatch):
    client = client_as(province_user)
    assert "共47条" in get_ok(client, PROVINCE_QUEUE).content.decode()
    monkeypatch.setattr("core.seek.COUNT_LIMIT", 30)
    assert "30条以上" in get_ok(client, PROVINCE_QUEUE).content.decode()


def test_a_deep_page_runs_the_queries_of_the_first(crowd, province_user, client_as):
    client = client_as(province_user)
    pages = walk(client, PROVINCE_QUEUE)
    get_ok(client, PROVINCE_QUEUE)  # warm
    first, _ = count_queries(lambda: get_ok(client, PROVINCE_QUEUE))
    last, _ = count_queries(lambda: get_ok(client, PROVINCE_QUEUE + link(pages[-2][0], "下一页")))
    back, _ = count_queries(lambda: get_ok(client, PROVINCE_QUEUE + link(pages[-1][0], "上一页")))
    assert first == last == back == 8


@pytest.mark.parametrize("cursor", ["x", "1~2", "1~not-a-date~3", "a~2026-01-01T00:00:00+00:00~b", "1~~3", "9" * 40])
def test_a_cursor_that_is_not_one_shows_the_first_page(cursor, crowd, province_user, client_as):
    client = client_as(province_user)
    for name in ("after", "before"):
        response = get_ok(client, f"{PROVINCE_QUEUE}?page=3&{name}={cursor}")
        assert listed_ids(response) == crowd["expected"][:20]
        assert "第1页" in response.content.decode()


def test_the_recommender_queue_pages_by_keyset_within_its_unit(recommender_user, client_as):
    t0 = timezone.now() - timedelta(days=1)
    mine = submitted(23, at=t0, state=State.SUBMITTED) + submitted(4, at=t0, state=State.SUBMITTED, is_city_base=True)
    other = factories.ApplicationFactory(
        institution=factories.InstitutionFactory(region=factories.region("350200")),
        state=State.SUBMITTED,
        submitted_at=t0,
        last_submitted_at=t0,
        recommender_region=factories.region("350200"),
    )
    shown = [pk for _, ids in walk(client_as(recommender_user), RECOMMENDER_QUEUE) for pk in ids]
    priority = sorted(a.pk for a in mine if a.is_priority)
    assert shown == priority + sorted(a.pk for a in mine if not a.is_priority)
    assert other.pk not in shown


def test_the_pagination_is_a_labelled_navigation_with_the_current_page_marked(crowd, province_user, client_as):
    page = get_ok(client_as(province_user), PROVINCE_QUEUE).content.decode()
    nav = re.search(r'<nav aria-label="分页">.*?</nav>', page, re.S).group(0)
    assert 'aria-current="page"' in nav and 'rel="next"' in nav and "下一页" in nav
