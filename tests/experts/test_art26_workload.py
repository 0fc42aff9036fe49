"""Art. 26, the pool's workload: for a year, the province sees how often each expert of the pool was drawn, what
became of each seat (declared free of conflict, a conflict, a refusal, withdrawn, or still to declare), how many
scored forms they submitted and when they last took a seat — filtered by city, field and state, exportable as
shown, in a fixed number of queries; and each expert's record lists the scores they gave, seat by seat."""

import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from experts import selectors, services
from tests import factories
from tests.helpers import assert_constant_queries, client_as, count_queries, get_ok, visible_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ITEMS = [["faculty", "师资队伍建设情况", "第二十条"], ["facilities", "设施配套情况", "第二十条"]]
HEADERS = [
    "姓名",
    "工作单位",
    "设区市",
    "专业领域",
    "状态",
    "抽中次数",
    "待声明",
    "声明无利害关系",
    "申报回避",
    "谢绝参加",
    "被撤回",
    "已提交评分表",
    "最近参评日期",
]
COUNTS = HEADERS[5:12]
# the user, the unread count, the page's count, its rows with their counts, the cities to filter by; a city chosen
# is looked up once more
WORKLOAD_QUERIES = {"page": 5, "filtered": 6}


def at(year, month, day, hour=10):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


def form(province, institution_name, size):
    institution = factories.InstitutionFactory(name=institution_name, region=factories.region("350100"))
    return services.create_panel(
        actor=province,
        purpose="site_visit",
        case=factories.ApplicationFactory(institution=institution, state="site_visit"),
        institution=institution,
        case_label=f"{institution_name}申报实地考察",
        fields="工程技术",
        size=size,
        items=ITEMS,
        seed=1,
    )


def seat_of(panel, expert):
    return panel.assignments.get(expert=expert)


def submit(seat, *values):
    scores = {
        code: {"score": Decimal(v), "verdict": "meets", "comment": "属实"}
        for (code, _, _), v in zip(ITEMS, values, strict=True)
    }
    return services.save_sheet(actor=seat.expert.user, assignment_id=seat.pk, scores=scores, submit=True)


@pytest.fixture
def pool(province):
    """甲 sat on one panel in 2025 and scored it; in 2026, with 乙 (厦门) and 丙 (泉州), on two panels: on the
    first 甲 and 乙 declared, 甲 scored and 丙 declared a conflict; on the second 甲 declared and was then withdrawn,
    乙 refused and 丙 has yet to declare."""
    甲 = factories.ExpertFactory(name="甲专家", user=factories.ExpertUserFactory())
    with at(2025, 6, 1):
        earlier = form(province, "往年培训学院", 1)
        services.declare(actor=甲.user, assignment_id=seat_of(earlier, 甲).pk)
        submit(seat_of(earlier, 甲), 9, 9)
    乙 = factories.ExpertFactory(name="乙专家", user=factories.ExpertUserFactory())
    丙 = factories.ExpertFactory(name="丙专家", user=factories.ExpertUserFactory(), region=factories.region("350500"))
    with at(2026, 3, 10):
        first = form(province, "甲培训学院", 3)
        services.declare(actor=甲.user, assignment_id=seat_of(first, 甲).pk)
        services.declare(actor=乙.user, assignment_id=seat_of(first, 乙).pk)
        services.declare_conflict(actor=丙.user, assignment_id=seat_of(first, 丙).pk, reason="曾为该院授课")
        submit(seat_of(first, 甲), 8, Decimal("6.5"))
    with at(2026, 5, 20):
        second = form(province, "乙培训学院", 3)
        services.declare(actor=甲.user, assignment_id=seat_of(second, 甲).pk)
        services.withdraw(actor=province, assignment_id=seat_of(second, 甲).pk, reason="发现近亲属在该院任职")
        services.refuse(actor=乙.user, assignment_id=seat_of(second, 乙).pk, reason="出差")
    return {"甲": 甲, "乙": 乙, "丙": 丙, "first": first, "province": province}


@pytest.fixture
def province_client(province):
    return client_as(province)


URL = reverse("experts:workload")


def rows_shown(response) -> dict[str, list[str]]:
    """The page's rows by expert name: the cells after the name, as shown."""
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [visible_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[0].split(" ")[0]] = cells[1:]
    return rows


def counts_of(response) -> dict[str, list[int]]:
    return {name: [int(c) for c in cells[3:10]] for name, cells in rows_shown(response).items()}


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


# -- the counts -----------------------------------------------------------------------------------------------


def test_the_year_counts_each_experts_seats_by_what_became_of_them(pool, province_client):
    response = get_ok(province_client, URL, {"year": 2026})
    # drawn, to declare, declared, conflict, refused, withdrawn, forms submitted
    assert counts_of(response) == {
        "甲专家": [2, 0, 1, 0, 0, 1, 1],
        "乙专家": [2, 0, 1, 0, 1, 0, 0],
        "丙专家": [2, 1, 0, 1, 0, 0, 0],
    }
    shown = rows_shown(response)
    assert shown["甲专家"][-1] == "2026年3月10日" and shown["乙专家"][-1] == "2026年3月10日"
    assert shown["丙专家"][-1] == "—"  # never took a seat
    text = visible_text(response)
    assert "评审专家工作量统计（2026年）" in text


def test_other_years_are_left_out_and_the_default_is_the_current_year(pool, province_client):
    assert counts_of(get_ok(province_client, URL, {"year": 2025})) == {
        "甲专家": [1, 0, 1, 0, 0, 0, 1],
        "乙专家": [0] * 7,
        "丙专家": [0] * 7,
    }
    assert rows_shown(get_ok(province_client, URL, {"year": 2025}))["甲专家"][-1] == "2025年6月1日"
    with at(2026, 12, 31, 23):
        client = client_as(pool["province"])  # signed in now: the session would have expired by then
        assert counts_of(get_ok(client, URL)) == counts_of(get_ok(client, URL, {"year": 2026}))
    with at(2027, 1, 1, 0):  # midnight in Shanghai: a new year with nothing drawn yet
        client = client_as(pool["province"])
        assert "评审专家工作量统计（2027年）" in visible_text(get_ok(client, URL))
        assert {sum(c) for c in counts_of(get_ok(client, URL)).values()} == {0}


def test_the_page_is_filtered_by_city_field_and_state(pool, province_client):
    factories.ExpertFactory(name="丁专家", fields="卫生健康", active=False)

    def names(**query):
        return set(rows_shown(get_ok(province_client, URL, {"year": 2026, **query})))

    assert names() == {"甲专家", "乙专家", "丙专家", "丁专家"}
    assert names(region=factories.region("350500").pk) == {"丙专家"}
    assert names(field="卫生") == {"丁专家"}
    assert names(active="0") == {"丁专家"}
    assert names(active="1", region=factories.region("350200").pk) == {"甲专家", "乙专家"}


def test_a_year_out_of_range_is_answered_in_chinese_and_shows_the_current_year(pool, province_client):
    response = get_ok(province_client, URL, {"year": "99999"})
    text = visible_text(response)
    assert "年度应在2000年至2100年之间。" in text
    assert f"评审专家工作量统计（{timezone.localdate().year}年）" in text


def test_the_page_names_link_to_the_experts_record_and_the_pool_links_to_the_page(pool, province_client):
    html = get_ok(province_client, URL, {"year": 2026}).content.decode()
    assert f'href="{reverse("experts:detail", args=[pool["甲"].pk])}"' in html
    assert '<th scope="col">抽中次数</th>' in html and 'for="id_year">年度</label>' in html
    pool_page = get_ok(province_client, reverse("experts:list")).content.decode()
    assert f'href="{URL}"' in pool_page and "工作量统计" in pool_page


# -- who sees it ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["expert", "institution_user", "recommender_user", "inspector_user"])
def test_only_the_province_sees_the_workload(pool, who, request):
    user = pool["甲"].user if who == "expert" else request.getfixturevalue(who)
    assert client_as(user).get(URL).status_code == 404
    assert client_as(user).get(URL, {"export": "csv"}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")


# -- a fixed number of queries --------------------------------------------------------------------------------


def test_the_page_and_its_exports_run_the_same_queries_for_2_and_6_experts(province, province_client):
    甲 = factories.ExpertFactory(name="甲专家", user=factories.ExpertUserFactory())
    乙 = factories.ExpertFactory(name="乙专家", user=factories.ExpertUserFactory())
    with at(2026, 3, 10):
        panel = form(province, "甲培训学院", 2)
        for expert in (甲, 乙):
            services.declare(actor=expert.user, assignment_id=seat_of(panel, expert).pk)
        submit(seat_of(panel, 甲), 8, 8)
    query = {"year": 2026, "region": factories.region("350200").pk, "field": "工程", "active": "1"}

    def grow():
        more = [factories.ExpertFactory(user=factories.ExpertUserFactory()) for _ in range(4)]
        with at(2026, 4, 1):
            panel = form(province, "乙培训学院", 6)
            for expert in more:
                services.declare(actor=expert.user, assignment_id=seat_of(panel, expert).pk)
                submit(seat_of(panel, expert), 7, 7)

    def export(fmt):
        response = get_ok(province_client, URL, {"year": 2026, "export": fmt})
        return b"".join(response.streaming_content) if response.streaming else response.getvalue()

    assert_constant_queries(
        {
            "page": lambda: get_ok(province_client, URL, {"year": 2026}),
            "filtered": lambda: get_ok(province_client, URL, query),
            "csv": lambda: export("csv"),
            "xlsx": lambda: export("xlsx"),
        },
        grow,
        pinned=WORKLOAD_QUERIES,
        warm=True,
    )
    assert len(rows_shown(get_ok(province_client, URL, {"year": 2026}))) == 6


# -- the exports ----------------------------------------------------------------------------------------------


def test_the_csv_export_has_the_chinese_headers_and_the_numbers_the_page_shows(pool, province_client):
    page = get_ok(province_client, URL, {"year": 2026, "region": factories.region("350200").pk})
    html = page.content.decode()
    assert "export=csv" in html and "export=xlsx" in html and "year=2026" in html  # the links keep the filters
    rows = read_csv(
        get_ok(province_client, URL, {"year": 2026, "region": factories.region("350200").pk, "export": "csv"})
    )
    assert rows[0] == HEADERS
    by_name = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"甲专家", "乙专家"}  # 丙 is of 泉州
    assert [int(by_name["甲专家"][h]) for h in COUNTS] == [2, 0, 1, 0, 0, 1, 1]
    assert [int(by_name["乙专家"][h]) for h in COUNTS] == [2, 0, 1, 0, 1, 0, 0]
    assert by_name["甲专家"]["最近参评日期"] == "2026-03-10" and by_name["甲专家"]["设区市"] == "厦门市"
    assert by_name["甲专家"]["状态"] == "在库可抽取"


def test_the_xlsx_export_opens_with_the_same_rows_as_numbers_and_dates(pool, province_client):
    response = get_ok(province_client, URL, {"year": 2026, "export": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment") and ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and sheet.freeze_panes == "A2"
    by_name = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert [by_name["丙专家"][h] for h in COUNTS] == [2, 1, 0, 1, 0, 0, 0]
    assert by_name["甲专家"]["最近参评日期"] == datetime(2026, 3, 10)
    assert by_name["丙专家"]["最近参评日期"] is None
    assert rows[1][0] in {"甲专家", "乙专家", "丙专家"} and len(rows) == 4  # the page's order: the most drawn first


# -- the expert's record: the scores given --------------------------------------------------------------------


def test_the_record_shows_each_seats_declaration_or_conflict_and_the_form_submitted_with_its_scores(
    pool, province_client
):
    甲, 丙 = pool["甲"], pool["丙"]
    text = visible_text(get_ok(province_client, reverse("experts:detail", args=[甲.pk]))).replace(" ", "")
    assert "2026年3月10日声明无利害关系" in text and "2025年6月1日声明无利害关系" in text
    assert "被撤回：发现近亲属在该院任职" in text
    assert "第1版已提交" in text and "14.5/7.25" in text and "18.0/9.00" in text
    sheet = seat_of(pool["first"], 甲).sheets.get()
    html = get_ok(province_client, reverse("experts:detail", args=[甲.pk])).content.decode()
    assert f'href="{reverse("experts:sheet", args=[sheet.pk])}"' in html
    text = visible_text(get_ok(province_client, reverse("experts:detail", args=[丙.pk]))).replace(" ", "")
    assert "申报有利害关系（回避）：曾为该院授课" in text and "未声明" in text and "未提交" in text


def test_a_corrected_form_shows_its_latest_version_once(pool, province_client):
    甲 = pool["甲"]
    sheet = seat_of(pool["first"], 甲).sheets.get()
    with at(2026, 3, 12):
        services.correct_sheet(actor=甲.user, sheet_id=sheet.pk, reason="复核更正")
        submit(seat_of(pool["first"], 甲), 9, 9)
    text = visible_text(get_ok(province_client, reverse("experts:detail", args=[甲.pk]))).replace(" ", "")
    assert "第2版已提交" in text and "2026年3月12日" in text and "第1版已提交" in text  # 2025's form is version 1
    assert text.count("第2版已提交") == 1


def test_the_record_runs_the_same_queries_with_one_seat_or_several(province, province_client):
    甲 = factories.ExpertFactory(name="甲专家", user=factories.ExpertUserFactory())
    with at(2026, 3, 10):
        panel = form(province, "甲培训学院", 1)
        services.declare(actor=甲.user, assignment_id=seat_of(panel, 甲).pk)
        submit(seat_of(panel, 甲), 8, 8)
    url = reverse("experts:detail", args=[甲.pk])

    def grow():
        with at(2026, 4, 1):
            for n in range(3):
                panel = form(province, f"第{n}培训学院", 1)
                services.declare(actor=甲.user, assignment_id=seat_of(panel, 甲).pk)
                submit(seat_of(panel, 甲), 7, 7)

    assert count_queries(lambda: selectors.seats_of(甲))[0] == 2  # the seats, their submitted forms with scores
    assert_constant_queries(lambda: get_ok(province_client, url), grow, warm=True)
    assert count_queries(lambda: selectors.seats_of(甲))[0] == 2
