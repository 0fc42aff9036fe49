"""SPEC 1: a recommender sees only what is routed to its own unit, on the dashboard and in every export.

Two units have records of every kind; the other unit's institutions (all named 鹭岛…) must never appear
in the 福州 recommender's dashboard, its charts, or any row it can export.
"""

from datetime import date

import pytest
from django.urls import reverse

from applications.models import BarKind, State
from bases.models import BaseStatus
from reports import selectors
from tests.helpers import visible_text

from . import build
from .build import TODAY, XIAMEN, Sheet, read_csv

pytestmark = pytest.mark.django_db

OTHER_UNIT = "鹭岛"  # every record of the 厦门 unit carries it in its name


# recognised more than 3 years before TODAY: only an inspection covers them (Art. 20)
RECOGNISED = dict(recognised_on=date(2022, 3, 1), year=2024)


@pytest.fixture
def two_units(recommender_user, xiamen_recommender):
    batch = build.closed_batch("2024年认定批次", year=2024)
    shared = build.closed_batch("2025年第一批", year=2025)
    own_only = build.closed_batch("鹭岛专属批次", year=2025, opens_on=date(2025, 4, 1))
    fz1 = build.base("榕城培训学院01号", batch=batch, **RECOGNISED, next_inspection_due=date(2025, 5, 1))
    fz2 = build.base(
        "榕城培训学院02号",
        batch=batch,
        **RECOGNISED,
        status=BaseStatus.RECTIFYING,
        next_inspection_due=date(2025, 8, 1),
    )
    build.filing(fz1, 2024, 800)
    build.order(fz1, deadline=date(2025, 7, 1))
    build.cancellation(fz1)
    build.application("榕城申报机构01号", batch=shared)
    build.application("榕城草稿机构01号", state=State.DRAFT, batch=shared)  # never submitted: not routed yet

    xm1 = build.base("鹭岛研修中心01号", code=XIAMEN, batch=batch, **RECOGNISED, next_inspection_due=date(2025, 4, 1))
    build.base("鹭岛研修中心02号", code=XIAMEN, batch=batch, **RECOGNISED, status=BaseStatus.REVOKED)
    build.base("鹭岛研修中心03号", code=XIAMEN, batch=batch, **RECOGNISED, next_inspection_due=date(2025, 7, 1))
    build.filing(xm1, 2024, 500)
    build.filing(xm1, 2023, 1500)
    build.inspection(xm1, on=date(2024, 5, 5))
    build.order(xm1, deadline=date(2025, 6, 30))
    build.cancellation(xm1, requested_by=xiamen_recommender)
    build.application("鹭岛申报机构01号", code=XIAMEN, batch=shared)
    build.application("鹭岛申报机构02号", code=XIAMEN, batch=own_only, state=State.RECOMMENDED)
    build.bar("鹭岛受限机构01号", kind=BarKind.FRAUD, starts_on=date(2024, 1, 1), last_day=None, code=XIAMEN)
    return fz1, fz2


def test_recommender_dashboard_counts_only_its_units_bases_and_applications(recommender_user, two_units):
    fz1, fz2 = two_units
    d = selectors.dashboard(recommender_user, TODAY)
    assert d.by_status == [("正常", 1), ("整改中", 1), ("暂停", 0), ("已撤销", 0), ("已取消", 0), ("已合并", 0)]
    assert d.by_region[:2] == [("福州市", 1, 1, 0), ("厦门市", 0, 0, 0)]
    assert sum(n for _, n in d.by_type) == 2
    assert d.funnel == [
        ("2025年第一批", 1, 1, 0, 0, 0, 0),  # the draft is not routed to anyone yet
        ("2024年认定批次", 2, 2, 2, 0, 2, 0),
    ]
    assert d.training == [(2024, 1, 800, 1200, 1)]
    assert d.under_target == [(2024, "榕城培训学院01号", fz1.register_number, 800)]
    assert d.coverage == {"total": 2, "covered": 0, "share": 0}
    assert d.overdue == [("榕城培训学院01号", fz1.register_number, date(2025, 5, 1))]
    assert d.due_soon == [("榕城培训学院02号", fz2.register_number, date(2025, 8, 1))]
    assert [row[0] for row in d.rectifications] == ["榕城培训学院01号"]
    assert d.bars == []  # bars are the province's


def test_province_dashboard_counts_both_units(province_user, two_units):
    d = selectors.dashboard(province_user, TODAY)
    assert d.by_status == [("正常", 3), ("整改中", 1), ("暂停", 0), ("已撤销", 1), ("已取消", 0), ("已合并", 0)]
    assert d.funnel == [
        ("鹭岛专属批次", 1, 1, 1, 0, 0, 0),
        ("2025年第一批", 3, 2, 0, 0, 0, 0),
        ("2024年认定批次", 5, 5, 5, 0, 5, 0),
    ]
    assert d.coverage == {"total": 4, "covered": 1, "share": 25.0}
    assert [row[0] for row in d.bars] == ["鹭岛受限机构01号"]


def test_recommender_dashboard_page_never_names_another_units_institution(
    recommender_user, province_user, two_units, client_as
):
    page = client_as(recommender_user).get(reverse("reports:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "统计（福州市人力资源和社会保障局推荐范围）" in visible_text(page)
    assert "榕城培训学院01号" in html
    assert OTHER_UNIT not in html
    # the same records are on the province's page, so the check above is not vacuous
    province_html = client_as(province_user).get(reverse("reports:dashboard")).content.decode()
    assert "鹭岛研修中心01号" in province_html and "鹭岛受限机构01号" in province_html


@pytest.mark.parametrize("chart", ["region", "type", "status", "funnel", "training"])
def test_recommender_charts_never_name_another_units_batch(recommender_user, two_units, client_as, chart):
    response = client_as(recommender_user).get(reverse("reports:chart", args=[chart]))
    assert response.status_code == 200
    assert OTHER_UNIT not in response.content.decode()


RECOMMENDER_EXPORTS = [
    ("applications:recommender_queue", "", {"榕城申报机构01号"}),
    ("applications:recommender_queue", "state=recommended", set()),
    ("bases:recommended", "", {"榕城培训学院01号", "榕城培训学院02号"}),
    ("supervision:rectifications", "", {"榕城培训学院01号"}),
    ("supervision:cancellations", "", {"榕城培训学院01号"}),
]


@pytest.mark.parametrize(("url_name", "query", "expected"), RECOMMENDER_EXPORTS)
def test_recommender_exports_hold_only_its_units_rows(
    recommender_user, two_units, client_as, url_name, query, expected
):
    client = client_as(recommender_user)
    url = reverse(url_name) + "?" + (query + "&" if query else "")
    sheet = Sheet(client.get(url + "export=xlsx"))
    key = "申报机构" if url_name.startswith("applications") else "基地名称"
    assert set(sheet.column(key)) == expected
    assert OTHER_UNIT not in repr(sheet.rows)
    rows = read_csv(client.get(url + "export=csv"))
    assert {row[rows[0].index(key)] for row in rows[1:]} == expected
    assert OTHER_UNIT not in repr(rows)


@pytest.mark.parametrize(
    ("url_name", "other"),
    [
        ("applications:province_queue", "鹭岛申报机构02号"),
        ("bases:province_list", "鹭岛研修中心02号"),
        ("supervision:rectifications", "鹭岛研修中心01号"),
        ("supervision:cancellations", "鹭岛研修中心01号"),
    ],
)
def test_province_exports_hold_every_units_rows(province_user, two_units, client_as, url_name, other):
    sheet = Sheet(client_as(province_user).get(reverse(url_name) + "?export=xlsx"))
    assert other in repr(sheet.rows)
