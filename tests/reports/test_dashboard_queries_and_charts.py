"""SPEC 5 and STYLE 4: the dashboard runs a fixed number of queries whatever the data's size; its charts
are static SVG images (no script, nothing fetched from the internet); only the province and recommenders
reach it, anyone else gets 404."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import cycle

import pytest
from django.urls import reverse

from accounts.models import InstitutionType
from applications.models import BarKind, State
from bases.models import BaseStatus
from reports import selectors
from supervision.models import InspectionKind
from tests.helpers import assert_constant_queries, get_ok

from . import build
from .build import FUZHOU, TODAY, XIAMEN

pytestmark = pytest.mark.django_db

CHARTS = ["region", "type", "status", "funnel", "training"]


@pytest.fixture
def grow():
    """grow(n): n more bases (both units, every status and type), applications, inspections, filings,
    rectifications and bars, so every figure of the dashboard has n more rows behind it."""
    batch = build.closed_batch("2024年认定批次", year=2024)
    codes = cycle([FUZHOU, XIAMEN])
    statuses = cycle([BaseStatus.ACTIVE, BaseStatus.RECTIFYING, BaseStatus.REVOKED, BaseStatus.ACTIVE])
    kinds = cycle(InstitutionType.values)
    states = cycle([State.DRAFT, State.SUBMITTED, State.RECOMMENDED, State.APPROVED, State.REJECTED])
    made = [0]

    def add(n):
        for _ in range(n):
            i = made[0] = made[0] + 1
            code = next(codes)
            b = build.base(
                f"增长基地{i:03d}号",
                code=code,
                kind=next(kinds),
                status=next(statuses),
                batch=batch,
                next_inspection_due=TODAY + timedelta(days=i * 7 - 100),
            )
            build.inspection(b, on=date(2024, 1, 1) + timedelta(days=i))
            build.inspection(b, kind=InspectionKind.SPOT_CHECK, on=date(2025, 1, 1))
            build.filing(b, 2024, 500 + 50 * i)
            build.order(b)
            build.application(f"增长申报{i:03d}号", code=code, state=next(states), batch=batch)
            build.bar(f"增长受限{i:03d}号", kind=BarKind.FRAUD, starts_on=date(2024, 1, 1), last_day=None)

    return add


# The pinned counts, with the caches warm (the ten regions, the session). The selector: the generation number
# (these tests write inside their transaction, so the figures are counted afresh: test_dashboard_cache.py covers
# the cached read, one query), then bases by city/type/
# status, the institution kinds and the live bases per field (Art. 3), the funnel, training per year, the under-target list, coverage, the inspection clock,
# rectifications, and (province only) bars. The page adds the user and the shell's unread badge (a
# recommender's page also its unit, for the title). If one grows, a query crept into a loop or a template.
SELECTOR_QUERIES = {"province": 11, "recommender": 10}
PAGE_QUERIES = {"province": 13, "recommender": 13}


@pytest.mark.parametrize("role", ["province", "recommender"])
def test_dashboard_runs_the_same_queries_with_5_and_with_50_of_everything(
    role, grow, province_user, recommender_user, client_as
):
    user = province_user if role == "province" else recommender_user
    client = client_as(user)
    url = reverse("reports:dashboard")
    grow(5)
    client.get(url)  # warm the session and content-type caches
    last = assert_constant_queries(
        {"page": lambda: get_ok(client, url), "selector": lambda: selectors.dashboard(user, TODAY)},
        lambda: grow(45),
        pinned={"page": PAGE_QUERIES[role], "selector": SELECTOR_QUERIES[role]},
    )
    assert sum(n for _, n in last["selector"].by_status) == (50 if role == "province" else 25)


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_runs_the_same_queries_with_5_and_with_50_bases(chart, grow, province_user, client_as):
    client = client_as(province_user)
    url = reverse("reports:chart", args=[chart])
    grow(5)
    # warm: the session and content-type caches are filled first
    assert_constant_queries(lambda: client.get(url), lambda: grow(45), warm=True)


# -- the charts ---------------------------------------------------------------------------------------------


def assert_static_svg(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    root = ET.fromstring(response.content)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not re.search(r"""https?://[^"'\s<>]*\.js\b""", svg), "the chart links a script"
    assert not re.search(r"""(?:href|src)=["']https?://""", svg), "the chart fetches something from the internet"
    assert not re.search(r"\son[a-z]+=", svg), "the chart carries an event handler"
    return svg


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_is_a_static_svg_image(chart, grow, province_user, client_as):
    grow(6)
    assert_static_svg(client_as(province_user).get(reverse("reports:chart", args=[chart])))


@pytest.mark.parametrize("chart", CHARTS)
def test_no_chart_carries_a_script(chart, grow, province_user, client_as):
    grow(3)
    response = client_as(province_user).get(reverse("reports:chart", args=[chart]))
    root = ET.fromstring(response.content)
    assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1].lower() == "script"]
    assert "<script" not in response.content.decode().lower()


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_renders_with_no_data(chart, province_user, client_as):
    assert_static_svg(client_as(province_user).get(reverse("reports:chart", args=[chart])))


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_is_served_to_a_recommender(chart, grow, recommender_user, client_as):
    grow(4)
    assert_static_svg(client_as(recommender_user).get(reverse("reports:chart", args=[chart])))


def test_region_chart_labels_the_cities_and_the_statuses(province_user, client_as):
    build.base("福州基地01号")
    build.base("厦门基地01号", code=XIAMEN, status=BaseStatus.RECTIFYING)
    svg = assert_static_svg(client_as(province_user).get(reverse("reports:chart", args=["region"])))
    for label in ("各设区市基地数", "福州市", "厦门市", "平潭综合实验区", "正常", "整改中", "已撤销/取消"):
        assert label in svg


def test_funnel_chart_names_each_batch_with_applications(province_user, client_as):
    batch = build.closed_batch("2025年第一批", year=2025)
    build.application("申报机构01号", batch=batch)
    svg = assert_static_svg(client_as(province_user).get(reverse("reports:chart", args=["funnel"])))
    assert "2025年第一批" in svg and "申报批次漏斗" in svg


def test_an_unknown_chart_is_404(province_user, client_as):
    assert client_as(province_user).get(reverse("reports:chart", args=["bogus"])).status_code == 404
    assert client_as(province_user).get("/reports/charts/region.png").status_code == 404


def test_dashboard_page_links_its_charts_as_images_with_a_text_alternative(province_user, client_as):
    build.application("申报机构01号", batch=build.closed_batch("2025年第一批", year=2025))
    html = client_as(province_user).get(reverse("reports:dashboard")).content.decode()
    for chart in ("region", "type", "funnel"):
        assert re.search(rf'<img [^>]*src="/reports/charts/{chart}\.svg" alt="[^"]+数据见下表"', html)
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


# -- who may look --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["inspector", "institution"])
@pytest.mark.parametrize(
    "url",
    [
        reverse("reports:dashboard"),
        reverse("reports:chart", args=["region"]),
        reverse("reports:year_summary"),
        reverse("reports:year_summary") + "?year=2024&export=xlsx",
    ],
)
def test_inspector_and_institution_get_404_for_the_reports(role, url, inspector_user, institution_user, client_as):
    user = inspector_user if role == "inspector" else institution_user
    assert client_as(user).get(url).status_code == 404


@pytest.mark.parametrize("url", [reverse("reports:dashboard"), reverse("reports:chart", args=["region"])])
def test_anonymous_visitor_is_sent_to_sign_in(url, client):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_recommender_gets_404_for_the_year_end_summary(recommender_user, client_as):
    client = client_as(recommender_user)
    assert client.get(reverse("reports:year_summary")).status_code == 404
    assert client.get(reverse("reports:year_summary") + "?year=2024&export=csv").status_code == 404


def test_count_charts_have_whole_number_ticks():
    """Issue 15 (9): a count axis has no 0.2 steps."""
    from reports import charts

    assert charts.integer_ticks(0) == [0, 1]
    assert charts.integer_ticks(3) == [0, 1, 2, 3]
    assert charts.integer_ticks(23) == [0, 5, 10, 15, 20, 25]
    svg = charts.bases_by_region([("福州市", 2, 1, 0), ("厦门市", 1, 0, 0)]).decode()
    assert ">0.5<" not in svg and ">2.5<" not in svg
