"""SPEC 5: every supervision list page runs a fixed number of SQL queries whatever its length (5 rows and 50)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import services
from tests import factories
from tests.helpers import assert_constant_queries, get_ok

from .conftest import base_in, listed, order, schedule

pytestmark = pytest.mark.django_db


def grow(make, client, url, prefix):
    """The list with 5 rows and with 50 (one page of 20 shown) runs the same queries."""
    shown = []

    def fetch():
        response = get_ok(client, url)
        shown.append(len(listed(response, prefix)))
        return response

    def make_45():
        for _ in range(45):
            make()

    for _ in range(5):
        make()
    assert_constant_queries(fetch, make_45)
    assert shown == [5, 20]  # then one page


def test_the_inspection_list_runs_the_same_queries_for_5_and_50(province_user, inspector_user, client_as):
    unit = inspector_user.inspector_unit

    def make():
        schedule(province_user, base_in(next_inspection_due=timezone.localdate() + timedelta(days=5)), unit=unit)

    grow(make, client_as(province_user), reverse("supervision:list"), "")
    inspector = client_as(inspector_user)
    url = reverse("supervision:list")
    assert_constant_queries(lambda: get_ok(inspector, url), None, also=[lambda: get_ok(inspector, url + "?page=2")])


def test_the_rectification_list_runs_the_same_queries_for_5_and_50(province_user, recommender_user, client_as):
    def make():
        order(province_user, base_in(), deadline=timezone.localdate() + timedelta(days=30))

    url = reverse("supervision:rectifications")
    grow(make, client_as(province_user), url, "rectifications/")
    recommender = client_as(recommender_user)
    assert_constant_queries(lambda: get_ok(recommender, url), None, also=[lambda: get_ok(recommender, url + "?page=2")])


def test_the_cancellation_list_runs_the_same_queries_for_5_and_50(province_user, client_as):
    recommender = factories.RecommenderUserFactory()  # 福州市人社局, which recommended every base_in()

    def make():
        services.request_cancellation(actor=recommender, base_id=base_in().pk, reason="推荐单位申请取消。")

    grow(make, client_as(province_user), reverse("supervision:cancellations"), "cancellations/")


def test_the_draw_list_runs_the_same_queries_for_5_and_50(province_user, client_as):
    for _ in range(3):
        base_in()

    def make():
        services.draw_spot_check(actor=province_user, size=1, scheduled_on=timezone.localdate(), province_team="王五")

    grow(make, client_as(province_user), reverse("supervision:draws"), "draws/")
