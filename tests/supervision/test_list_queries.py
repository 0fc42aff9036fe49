"""SPEC 5: every supervision list page runs a fixed number of SQL queries whatever its length (5 rows and 50)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import services
from tests import factories

from .conftest import base_in, count_queries, listed, order, schedule

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> tuple[int, list]:
    result = {}

    def get():
        result["response"] = client.get(url)

    n = count_queries(get)
    assert result["response"].status_code == 200
    return n, result["response"]


def grow(make, client, url, prefix):
    for _ in range(5):
        make()
    few, response = queries_for(client, url)
    assert len(listed(response, prefix)) == 5
    for _ in range(45):
        make()
    many, response = queries_for(client, url)
    assert len(listed(response, prefix)) == 20  # one page
    return few, many


def test_the_inspection_list_runs_the_same_queries_for_5_and_50(province_user, inspector_user, client_as):
    unit = inspector_user.inspector_unit

    def make():
        schedule(province_user, base_in(next_inspection_due=timezone.localdate() + timedelta(days=5)), unit=unit)

    for user in (province_user,):
        few, many = grow(make, client_as(user), reverse("supervision:list"), "")
        assert few == many
    inspector = client_as(inspector_user)
    assert (
        queries_for(inspector, reverse("supervision:list"))[0]
        == queries_for(inspector, reverse("supervision:list") + "?page=2")[0]
    )


def test_the_rectification_list_runs_the_same_queries_for_5_and_50(province_user, recommender_user, client_as):
    def make():
        order(province_user, base_in(), deadline=timezone.localdate() + timedelta(days=30))

    few, many = grow(make, client_as(province_user), reverse("supervision:rectifications"), "rectifications/")
    assert few == many
    few_r, _ = queries_for(client_as(recommender_user), reverse("supervision:rectifications"))
    many_r, _ = queries_for(client_as(recommender_user), reverse("supervision:rectifications") + "?page=2")
    assert few_r == many_r


def test_the_cancellation_list_runs_the_same_queries_for_5_and_50(province_user, client_as):
    recommender = factories.RecommenderUserFactory()  # 福州市人社局, which recommended every base_in()

    def make():
        services.request_cancellation(actor=recommender, base_id=base_in().pk, reason="推荐单位申请取消。")

    few, many = grow(make, client_as(province_user), reverse("supervision:cancellations"), "cancellations/")
    assert few == many


def test_the_draw_list_runs_the_same_queries_for_5_and_50(province_user, client_as):
    for _ in range(3):
        base_in()

    def make():
        services.draw_spot_check(actor=province_user, size=1, scheduled_on=timezone.localdate(), province_team="王五")

    few, many = grow(make, client_as(province_user), reverse("supervision:draws"), "draws/")
    assert few == many
