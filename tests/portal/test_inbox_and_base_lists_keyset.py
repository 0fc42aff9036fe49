"""Issue 20: the inbox and the bases lists page by keyset: every row once, newest first (ties broken by id),
back and forth; the same queries on a deep page as on the first, and with 5 rows as with 50."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from tests import factories
from tests.bases.conftest import make_base
from tests.helpers import assert_constant_queries, get_ok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def link(response, label) -> str | None:
    match = re.search(rf'href="(\?[^"]*)">{label}</a>', response.content.decode())
    return html.unescape(match.group(1)) if match else None


def walk(client, url, pattern, label="下一页"):
    pages, response = [], get_ok(client, url)
    while True:
        pages.append((response, [int(pk) for pk in re.findall(pattern, response.content.decode())]))
        following = link(response, label)
        if following is None:
            return pages
        assert len(pages) < 20, "the links go round in a circle"
        response = get_ok(client, url.split("?")[0] + following)


def test_the_inbox_shows_every_message_once_newest_first_even_when_they_arrived_together(client_as, institution_user):
    factories.NotificationFactory.create_batch(47, recipient=institution_user, url="/x/")
    Notification.objects.filter(pk__in=Notification.objects.order_by("id").values("pk")[10:30]).update(
        created_at=timezone.now()  # twenty at the same instant
    )
    expected = list(
        Notification.objects.filter(recipient=institution_user)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    client = client_as(institution_user)
    pages = walk(client, reverse("inbox"), r'action="/inbox/(\d+)/open/"')
    assert [pk for _, ids in pages for pk in ids] == expected
    assert [len(ids) for _, ids in pages] == [20, 20, 7]
    back = walk(client, reverse("inbox") + link(pages[-2][0], "下一页"), r'action="/inbox/(\d+)/open/"', label="上一页")
    assert [ids for _, ids in back] == [ids for _, ids in reversed(pages)]


def test_a_deep_inbox_page_runs_the_queries_of_the_first(client_as, institution_user):
    factories.NotificationFactory.create_batch(45, recipient=institution_user, url="/x/")
    client = client_as(institution_user)
    pages = walk(client, reverse("inbox"), r'action="/inbox/(\d+)/open/"')
    assert_constant_queries(
        lambda: get_ok(client, reverse("inbox")),
        None,
        also=[lambda: get_ok(client, reverse("inbox") + link(pages[1][0], "下一页"))],
        warm=True,
    )


def bases(n, **kwargs):
    return [make_base(recognised_on=date(2020 + i % 4, 3, 1), **kwargs) for i in range(n)]


@pytest.mark.parametrize("who, url_name", [("province", "bases:province_list"), ("recommender", "bases:recommended")])
def test_the_bases_lists_show_every_base_once_newest_first(who, url_name, province_user, recommender_user, client_as):
    made = bases(23) + bases(3, code="350200")
    user = province_user if who == "province" else recommender_user
    seen = made if who == "province" else made[:23]
    expected = [b.pk for b in sorted(seen, key=lambda b: (-b.year, -b.sequence))]
    pages = walk(client_as(user), reverse(url_name), r'href="/bases/(\d+)/"')
    shown = [pk for _, ids in pages for pk in ids]
    assert shown == expected


@pytest.mark.parametrize(
    "who, url_name, pinned", [("province", "bases:province_list", 5), ("recommender", "bases:recommended", 5)]
)
def test_the_bases_lists_run_the_same_queries_with_5_and_50_bases_and_on_a_deep_page(
    who, url_name, pinned, province_user, recommender_user, client_as
):
    client = client_as(province_user if who == "province" else recommender_user)
    url = reverse(url_name)
    bases(5)
    assert_constant_queries(lambda: get_ok(client, url), lambda: bases(45), pinned=pinned, warm=True)
    second = link(get_ok(client, url), "下一页")
    assert_constant_queries(lambda: get_ok(client, url + second), None, pinned=pinned, warm=True)
