"""SPEC 4: every list is exportable to Excel (.xlsx) and CSV, and an export holds what the page shows.

For each list page, as the role that works on it: the page's own export links keep its filters; the
workbook has the Chinese header row, the header frozen (A2), one row per record the page lists (in the
page's order, nothing the filters leave out), real dates and numbers; the CSV streams with a UTF-8 BOM
and holds the same rows; neither stops at the page's 20 rows.
"""

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from applications.models import State
from bases.models import BaseStatus, FilingState
from supervision.models import InspectionKind, InspectionState, RectificationState
from tests import factories
from tests.helpers import assert_constant_queries

from . import build
from .build import XIAMEN, Sheet, body, read_csv

pytestmark = pytest.mark.django_db

PAGE_SIZE = 20

APPLICATION_HEADERS = ["申报机构", "机构类型", "所在设区市", "批次", "推荐单位", "优先遴选", "状态", "培训领域"]
BASE_HEADERS = ["基地编号", "基地名称", "设区市", "机构类型", "培训领域", "认定日期", "认定批次", "状态"]


@dataclass
class Case:
    """One list page: who looks, with which filters, the first export headers, the column naming each row,
    how to make n rows it lists (and rows it must leave out), and the cell types each row must have."""

    url_name: str
    role: str
    query: str
    headers: list[str]
    key: str
    make: Callable  # make(users, n) -> (names listed, names left out)
    types: dict = field(default_factory=dict)  # header -> "date" | "datetime" | "int" | a predicate
    paginated: bool = True


# -- the rows of each list -------------------------------------------------------------------------------


def submitted_minutes_apart(i):
    return {"submitted_at": build.at(2025, 6, 1, 9, i), "last_submitted_at": build.at(2025, 6, 1, 9, i)}


def make_recommender_queue(users, n):
    for i in range(n):
        build.application(f"待推荐机构{i:02d}号", **submitted_minutes_apart(i))
    build.application("已推荐机构01号", state=State.RECOMMENDED)
    build.application("草稿机构01号", state=State.DRAFT)
    build.application("鹭岛待推荐机构01号", code=XIAMEN)
    return [f"待推荐机构{i:02d}号" for i in range(n)], ["已推荐机构01号", "草稿机构01号", "鹭岛待推荐机构01号"]


def make_province_queue(users, n):
    for i in range(n):
        build.application(f"已认定机构{i:02d}号", state=State.APPROVED, **submitted_minutes_apart(i))
    build.application("审核中机构01号", state=State.UNDER_REVIEW)
    build.application("已推荐机构01号", state=State.RECOMMENDED)
    build.application("不予认定机构01号", state=State.REJECTED)
    return [f"已认定机构{i:02d}号" for i in range(n)], ["审核中机构01号", "已推荐机构01号", "不予认定机构01号"]


def make_mine(users, n):
    institution = users.institution.institution
    states = [State.WITHDRAWN, State.NOT_RECOMMENDED, State.REJECTED, State.DRAFT]
    for i in range(n):
        build.application(
            "", institution=institution, state=states[i % 4], batch=build.closed_batch(f"我的批次{i:02d}号")
        )
    build.application("他人机构01号", batch=build.closed_batch("他人批次01号"))
    return [f"我的批次{i:02d}号" for i in range(n)], ["他人批次01号"]


def make_batches(users, n):
    batches = [
        build.closed_batch(f"导出批次{i:02d}号", year=2024, opens_on=date(2024, 1, 1) + timedelta(days=i))
        for i in range(n)
    ]
    first = batches[0]
    for i, state in enumerate([State.DRAFT, State.SUBMITTED, State.SUBMITTED, State.RECOMMENDED, State.APPROVED]):
        build.application(f"批次申报机构{i:02d}号", state=state, batch=first)
    return [b.name for b in batches], []


def make_bars(users, n):
    for i in range(n):
        build.bar(
            f"受限机构{i:02d}号",
            starts_on=date(2024, 1, 1) + timedelta(days=i),
            last_day=None if i % 2 else date(2027, 1, 1) + timedelta(days=i),
        )
    build.bar("已期满机构01号", starts_on=date(2022, 6, 1), last_day=date(2025, 6, 14))
    return [f"受限机构{i:02d}号" for i in range(n)], ["已期满机构01号"]


def make_own_bases(users, n):
    for i in range(n):
        build.base(f"我的基地{i:02d}号", institution=users.institution.institution)
    build.base("他人基地01号")
    return [f"我的基地{i:02d}号" for i in range(n)], ["他人基地01号"]


def make_recommended_bases(users, n):
    for i in range(n):
        build.base(f"榕城基地{i:02d}号")
    build.base("鹭岛基地01号", code=XIAMEN)
    return [f"榕城基地{i:02d}号" for i in range(n)], ["鹭岛基地01号"]


def make_register(users, n):
    statuses = [BaseStatus.ACTIVE, BaseStatus.RECTIFYING, BaseStatus.REVOKED, BaseStatus.CANCELLED]
    for i in range(n):
        build.base(f"名册基地{i:02d}号", status=statuses[i % 4], recognised_on=date(2024, 7, 1))
    return [f"名册基地{i:02d}号" for i in range(n)], []


def make_flagged_filings(users, n):
    for i in range(n):
        # under 1000 trained, or a plan under 1000: both are flagged (Art. 19)
        build.filing(build.base(f"不足基地{i:02d}号"), 2024, 600 + i if i % 2 else 1500, plan=1500 if i % 2 else 800)
    build.filing(build.base("达标基地01号"), 2024, 1500, plan=1500)
    build.filing(build.base("草稿基地01号"), 2024, 500, state=FilingState.DRAFT)
    return [f"不足基地{i:02d}号" for i in range(n)], ["达标基地01号", "草稿基地01号"]


def make_changes(users, n):
    for i in range(n):
        factories.ChangeFilingFactory(base=build.base(f"变更基地{i:02d}号"))
    return [f"变更基地{i:02d}号" for i in range(n)], []


def make_own_changes(users, n):
    for i in range(n):
        factories.ChangeFilingFactory(
            base=build.base(f"我的变更基地{i:02d}号", institution=users.institution.institution)
        )
    factories.ChangeFilingFactory(base=build.base("他人变更基地01号"))
    return [f"我的变更基地{i:02d}号" for i in range(n)], ["他人变更基地01号"]


def make_spot_checks(users, n):
    for i in range(n):
        build.inspection(
            build.base(f"抽查基地{i:02d}号"),
            kind=InspectionKind.SPOT_CHECK,
            on=date(2025, 1, 1) + timedelta(days=i),
            result="pass",
        )
    build.inspection(build.base("定期考核基地01号"), on=date(2025, 1, 1), result="pass")
    return [f"抽查基地{i:02d}号" for i in range(n)], ["定期考核基地01号"]


def make_assigned_inspections(users, n):
    unit = users.inspector.inspector_unit
    for i in range(n):
        build.inspection(
            build.base(f"受托考核基地{i:02d}号"),
            state=InspectionState.SCHEDULED,
            on=date(2025, 7, 1) + timedelta(days=i),
            inspector_unit=unit,
        )
    other = factories.InspectorUnitFactory()
    build.inspection(build.base("他单位考核基地01号"), state=InspectionState.SCHEDULED, inspector_unit=other)
    return [f"受托考核基地{i:02d}号" for i in range(n)], ["他单位考核基地01号"]


def make_open_rectifications(users, n):
    for i in range(n):
        build.order(build.base(f"整改基地{i:02d}号"), deadline=date(2025, 7, 1) + timedelta(days=i))
    build.order(build.base("整改通过基地01号"), state=RectificationState.PASSED)
    build.order(build.base("待核验基地01号"), state=RectificationState.REPORTED)
    return [f"整改基地{i:02d}号" for i in range(n)], ["整改通过基地01号", "待核验基地01号"]


def make_cancellations(users, n):
    for i in range(n):
        build.cancellation(build.base(f"申请取消基地{i:02d}号"))
    return [f"申请取消基地{i:02d}号" for i in range(n)], []


def make_workload(users, n):
    """Experts of the pool, none drawn this year (the counts are tested in tests/experts/test_art26_workload.py),
    and one whose drawing is suspended, which the 在库 filter leaves out."""
    for i in range(n):
        factories.ExpertFactory(name=f"工作量专家{i:02d}号")
    factories.ExpertFactory(name="暂停专家01号", active=False)
    return [f"工作量专家{i:02d}号" for i in range(n)], ["暂停专家01号"]


def yes_no(value):
    return value in ("是", "否")


def local_nine_oclock(value):
    """Submitted at 09:xx Asia/Shanghai: the sheet shows local time, not UTC (01:xx)."""
    return isinstance(value, datetime) and value.hour == 9


CASES = {
    "recommender_queue": Case(
        "applications:recommender_queue",
        "recommender",
        "state=submitted",
        APPLICATION_HEADERS,
        "申报机构",
        make_recommender_queue,
        {"最近提交时间": local_nine_oclock, "创建时间": "datetime", "优先遴选": yes_no, "状态": "待推荐".__eq__},
    ),
    "province_queue": Case(
        "applications:province_queue",
        "province",
        "state=approved",
        APPLICATION_HEADERS,
        "申报机构",
        make_province_queue,
        {"最近提交时间": local_nine_oclock, "状态": "认定通过".__eq__, "所在设区市": "福州市".__eq__},
    ),
    "mine": Case(
        "applications:mine",
        "institution",
        "",
        APPLICATION_HEADERS,
        "批次",
        make_mine,
        {"创建时间": "datetime", "推荐单位": "福州市人力资源和社会保障局".__eq__},
        paginated=False,
    ),
    "batches": Case(
        "applications:batches",
        "province",
        "",
        ["批次", "年度", "开始日期", "截止日期", "状态", "已提交", "已推荐", "已认定"],
        "批次",
        make_batches,
        {"年度": "int", "开始日期": "date", "截止日期": "date", "已提交": "int", "已推荐": "int", "已认定": "int"},
    ),
    "bars": Case(
        "applications:bars",
        "province",
        "",
        ["施教机构", "所在设区市", "原因", "起始日期", "最后一日", "依据", "事由"],
        "施教机构",
        make_bars,
        {"起始日期": "date", "最后一日": lambda v: v == "永久" or isinstance(v, datetime)},
    ),
    "bases_mine": Case("bases:mine", "institution", "", BASE_HEADERS, "基地名称", make_own_bases, {"认定日期": "date"}),
    "bases_recommended": Case(
        "bases:recommended",
        "recommender",
        "",
        BASE_HEADERS,
        "基地名称",
        make_recommended_bases,
        {"认定日期": "date", "设区市": "福州市".__eq__},
    ),
    "bases_register": Case(
        "bases:province_list",
        "province",
        "",
        BASE_HEADERS,
        "基地名称",
        make_register,
        {"认定日期": lambda v: v == datetime(2024, 7, 1), "状态": ("正常", "整改中", "已撤销", "已取消").__contains__},
    ),
    "filing_queue_flagged": Case(
        "bases:filing_queue",
        "province",
        "flagged=on",
        ["基地编号", "基地名称", "设区市", "报告年度", "培训人数", "革命老区等地区学员", "下一年度计划人数"],
        "基地名称",
        make_flagged_filings,
        {
            "报告年度": "int",
            "培训人数": "int",
            "下一年度计划人数": "int",
            "不足1000人": "是".__eq__,
            "提交时间": "datetime",
        },
    ),
    "change_list": Case(
        "bases:change_list",
        "province",
        "",
        ["基地编号", "基地名称", "变更内容", "变更原因", "状态", "提交时间"],
        "基地名称",
        make_changes,
        {"提交时间": "datetime", "变更内容": "联系电话：0591-87654321→0591-12345678".__eq__, "状态": "待备案".__eq__},
    ),
    "change_list_institution": Case(
        "bases:change_list",
        "institution",
        "",
        ["基地编号", "基地名称", "变更内容", "变更原因", "状态", "提交时间"],
        "基地名称",
        make_own_changes,
        {"提交时间": "datetime"},
    ),
    "inspections_spot_checks": Case(
        "supervision:list",
        "province",
        "kind=spot_check",
        ["基地编号", "基地名称", "设区市", "类别", "考核日期", "考核组", "状态", "结果"],
        "基地名称",
        make_spot_checks,
        {"考核日期": "date", "类别": "不定期抽查".__eq__, "结果": "合格".__eq__},
    ),
    "inspections_inspector": Case(
        "supervision:list",
        "inspector",
        "",
        ["基地编号", "基地名称", "设区市", "类别", "考核日期", "考核组", "状态", "结果"],
        "基地名称",
        make_assigned_inspections,
        {"考核日期": "date", "状态": "待考核".__eq__},
    ),
    "rectifications_open": Case(
        "supervision:rectifications",
        "province",
        "state=open",
        ["基地编号", "基地名称", "设区市", "事由", "整改期限", "逾期", "状态", "下达时间", "整改通知文号"],
        "基地名称",
        make_open_rectifications,
        {"整改期限": "date", "下达时间": "datetime", "逾期": "否".__eq__, "状态": "整改中".__eq__},
    ),
    "expert_workload": Case(
        "experts:workload",
        "province",
        "active=1",
        ["姓名", "工作单位", "设区市", "专业领域", "状态", "抽中次数", "待声明", "声明无利害关系"],
        "姓名",
        make_workload,
        {"抽中次数": "int", "已提交评分表": "int", "状态": "在库可抽取".__eq__},
    ),
    "cancellations": Case(
        "supervision:cancellations",
        "province",
        "",
        ["基地编号", "基地名称", "申请方", "理由", "状态", "申请时间"],
        "基地名称",
        make_cancellations,
        {"申请时间": "datetime", "状态": "待决定".__eq__},
    ),
}


@pytest.fixture
def users(province_user, recommender_user, institution_user, inspector_user):
    return SimpleNamespace(
        province=province_user, recommender=recommender_user, institution=institution_user, inspector=inspector_user
    )


def page_url(case: Case, **extra) -> str:
    query = "&".join(p for p in [case.query, *(f"{k}={v}" for k, v in extra.items())] if p)
    return reverse(case.url_name) + (f"?{query}" if query else "")


def export_link(page, fmt: str) -> str:
    """The page's own export link for `fmt`, as a URL to request."""
    match = re.search(rf'href="(\?[^"]*export={fmt}[^"]*)"', page.content.decode())
    assert match, f"the page has no {fmt} export link"
    return page.request["PATH_INFO"] + htmllib.unescape(match.group(1))


def next_page_link(page) -> str:
    """The page's 下一页 link, as a URL to request."""
    match = re.search(r'href="(\?[^"]*)">下一页</a>', page.content.decode())
    assert match, "the page has no 下一页 link"
    return page.request["PATH_INFO"] + htmllib.unescape(match.group(1))


def shown_in_order(page, names: list[str]) -> list[str]:
    html = page.content.decode()
    shown = [n for n in names if n in html]
    return sorted(shown, key=html.index)


def assert_types(sheet: Sheet, types: dict):
    assert sheet.rows, "nothing to check"
    for header, expected in types.items():
        i = sheet.header.index(header)
        for row, formats in zip(sheet.rows, sheet.formats, strict=True):
            value, fmt = row[i], formats[i]
            if expected == "date":
                assert isinstance(value, datetime) and value.time() == datetime.min.time(), (header, value)
                assert fmt == "yyyy-mm-dd", (header, fmt)
            elif expected == "datetime":
                assert isinstance(value, datetime) and fmt == "yyyy-mm-dd hh:mm", (header, value, fmt)
            elif expected == "int":
                assert type(value) is int, (header, value)
            else:
                assert expected(value), (header, value)


# -- the tests -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_xlsx_export_holds_the_rows_the_page_shows_with_chinese_headers_frozen_and_typed(name, users, client_as):
    case = CASES[name]
    listed, left_out = case.make(users, 3)
    client = client_as(getattr(users, case.role))
    page = client.get(page_url(case))
    assert page.status_code == 200
    on_page = shown_in_order(page, listed)
    assert sorted(on_page) == sorted(listed), "the page should list every row made for it"
    assert not [n for n in left_out if n in page.content.decode()], "the filters should leave these out"

    sheet = Sheet(client.get(export_link(page, "xlsx")))
    assert sheet.header[: len(case.headers)] == case.headers
    assert sheet.ws.freeze_panes == "A2"
    assert sheet.column(case.key) == on_page  # the same rows, in the page's order
    assert not [n for n in left_out if n in repr(sheet.rows)]
    assert_types(sheet, case.types)


@pytest.mark.parametrize("name", CASES)
def test_csv_export_streams_with_a_bom_and_holds_the_same_rows_as_the_xlsx(name, users, client_as):
    case = CASES[name]
    case.make(users, 3)
    client = client_as(getattr(users, case.role))
    page = client.get(page_url(case))
    sheet = Sheet(client.get(export_link(page, "xlsx")))
    rows = read_csv(client.get(export_link(page, "csv")))
    assert rows[0] == sheet.header
    assert sheet.matches_csv(rows[1:])
    assert len(rows) == 1 + 3


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.paginated])
def test_export_ignores_pagination(name, users, client_as):
    case = CASES[name]
    listed, _ = case.make(users, 30)
    client = client_as(getattr(users, case.role))
    first = client.get(page_url(case))
    second = client.get(next_page_link(first))  # page numbers or keyset cursors (issue 20): the page's own link
    assert len(shown_in_order(first, listed)) == PAGE_SIZE
    assert len(shown_in_order(second, listed)) == 30 - PAGE_SIZE
    for page in (first, second):  # the links of either page export everything
        sheet = Sheet(client.get(export_link(page, "xlsx")))
        assert sorted(sheet.column(case.key)) == sorted(listed)
        rows = read_csv(client.get(export_link(page, "csv")))
        assert len(rows) == 1 + 30
    # even when a page number is asked for explicitly
    assert len(Sheet(client.get(page_url(case, page=2, export="xlsx"))).rows) == 30


def export(client, url) -> bytes:
    response = client.get(url)
    content = body(response)  # a streamed export queries while it is read
    assert response.status_code == 200
    return content


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_runs_the_same_queries_with_5_and_with_50_rows(name, fmt, users, client_as):
    case = CASES[name]
    client = client_as(getattr(users, case.role))
    url = page_url(case, export=fmt)
    case.make(users, 5)
    # warm: the session and content-type caches are filled first
    assert_constant_queries(lambda: export(client, url), lambda: case.make(users, 45), warm=True)


# -- a few figures that only some lists have ------------------------------------------------------------------


def test_batches_export_counts_submitted_recommended_and_recognised(users, client_as):
    make_batches(users, 2)
    sheet = Sheet(client_as(users.province).get(reverse("applications:batches") + "?export=xlsx"))
    row = dict(zip(sheet.header, sheet.rows[-1], strict=True))  # the earliest batch, listed last
    assert row["批次"] == "导出批次00号"
    assert (row["已提交"], row["已推荐"], row["已认定"]) == (4, 2, 1)  # the draft is not submitted
    assert (row["年度"], row["开始日期"]) == (2024, datetime(2024, 1, 1))


def test_province_queue_export_of_approved_holds_only_approved_applications(users, client_as):
    make_province_queue(users, 4)
    client = client_as(users.province)
    sheet = Sheet(client.get(reverse("applications:province_queue") + "?state=approved&export=xlsx"))
    assert set(sheet.column("状态")) == {"认定通过"} and len(sheet.rows) == 4
    rows = read_csv(client.get(reverse("applications:province_queue") + "?state=approved&export=csv"))
    assert {r[rows[0].index("状态")] for r in rows[1:]} == {"认定通过"} and len(rows) == 5


def test_register_export_lists_every_base_whatever_its_status(users, client_as):
    make_register(users, 8)
    sheet = Sheet(client_as(users.province).get(reverse("bases:province_list") + "?export=xlsx"))
    assert len(sheet.rows) == 8
    assert sorted(sheet.column("状态")) == sorted(["正常", "整改中", "已撤销", "已取消"] * 2)


def test_filing_queue_export_of_flagged_holds_only_reports_or_plans_under_1000(users, client_as):
    make_flagged_filings(users, 4)
    sheet = Sheet(client_as(users.province).get(reverse("bases:filing_queue") + "?flagged=on&export=xlsx"))
    for row in sheet.rows:
        r = dict(zip(sheet.header, row, strict=True))
        assert r["培训人数"] < 1000 or r["下一年度计划人数"] < 1000
    assert len(sheet.rows) == 4


def test_export_of_datetimes_shows_asia_shanghai_time_in_both_formats(users, client_as):
    build.application(
        "夜间提交机构01号", submitted_at=build.at(2025, 6, 1, 0, 30), last_submitted_at=build.at(2025, 6, 1, 0, 30)
    )
    client = client_as(users.recommender)
    sheet = Sheet(client.get(reverse("applications:recommender_queue") + "?export=xlsx"))
    assert sheet.column("最近提交时间") == [datetime(2025, 6, 1, 0, 30)]  # not 2025-05-31 16:30 UTC
    rows = read_csv(client.get(reverse("applications:recommender_queue") + "?export=csv"))
    assert rows[1][rows[0].index("最近提交时间")] == "2025-06-01 00:30"


def test_an_unknown_export_format_renders_the_page(users, client_as):
    make_register(users, 1)
    response = client_as(users.province).get(reverse("bases:province_list") + "?export=pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
