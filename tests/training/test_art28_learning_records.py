"""Art. 28 learning records: the province finds a trainee by ID number (posted, checked against GB 11643) and
sees their classes at every base with the hours per year; each class shown is a logged reveal (PIPL); the
record and every trainee's hours of a year export to xlsx with Chinese headers, a file with full numbers
logged with who, why and how many; nobody but the province reaches any of it; the page runs a fixed number of
queries however many classes the trainee took."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from tests import factories
from tests.helpers import assert_constant_queries, client_as, visible_text
from training.models import IdNumberExport, PiiDisclosure

pytestmark = pytest.mark.django_db

NUMBER = factories.id_number(28)
OTHER = factories.id_number(29)
URL = "/training/learning-records/"
HOURS_URL = "/training/learning-records/hours/"


@pytest.fixture
def province(client):
    return client_as(factories.UserFactory(role=Role.PROVINCE, username="sheng"), client)


def attend(number, *, base=None, year=2026, hours=24, attended=24, result="passed", title=None, **values):
    training_class = factories.TrainingClassFactory(
        base=base or factories.BaseFactory(),
        starts_on=datetime.date(year, 3, 2),
        ends_on=datetime.date(year, 3, 4),
        hours=hours,
        **({"title": title} if title else {}),
    )
    return factories.ParticipantFactory(
        training_class=training_class, number=number, hours_attended=attended, result=result, **values
    )


def look_up(client, number=NUMBER, reason="核对继续教育证书学时", **extra):
    return client.post(URL, {"id_number": number, "reason": reason, **extra})


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def test_the_url_is_the_one_the_issue_names():
    assert reverse("training:learning_record") == URL
    assert reverse("training:learning_hours") == HOURS_URL


def test_the_province_sees_a_trainees_classes_at_every_base_with_hours_per_year(province):
    fuzhou = factories.BaseFactory(name="福州工程技术继续教育基地")
    xiamen = factories.BaseFactory(name="厦门卫生健康继续教育基地")
    attend(NUMBER, base=fuzhou, year=2025, hours=24, attended=24, title="二〇二五年工程管理班", name="林学员")
    attend(NUMBER, base=xiamen, year=2026, hours=40, attended=32, title="公共卫生专业科目班", name="林学员")
    attend(NUMBER, base=fuzhou, year=2026, hours=16, attended=Decimal("7.5"), result="failed", title="BIM应用班")
    attend(OTHER, base=fuzhou, year=2026, title="别人的培训班")

    response = look_up(province)

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = visible_text(response)
    assert NUMBER in page and "林学员" in page
    for shown in (
        "二〇二五年工程管理班",
        "公共卫生专业科目班",
        "BIM应用班",
        "福州工程技术继续教育基地",
        "厦门卫生健康继续教育基地",
    ):
        assert shown in page
    assert "别人的培训班" not in page
    assert "2025年12424" in page.replace(" ", "")  # 2025: one class, 24 hours, 24 of them passed
    assert "2026年239.532" in page.replace(" ", "")  # 2026: two classes, 32 + 7.5 hours, 32 passed
    assert "2026年3月2日至2026年3月4日" in page and "不合格" in page


def test_each_class_shown_is_a_reveal_logged_with_who_and_why(province):
    found = [attend(NUMBER), attend(NUMBER, year=2025)]
    attend(OTHER)

    look_up(province, reason="受理证书登记申请")

    logged = PiiDisclosure.objects.all()
    assert {d.participant_id for d in logged} == {p.pk for p in found}
    assert {(d.user.username, d.reason, d.id_masked) for d in logged} == {
        ("sheng", "受理证书登记申请", f"{NUMBER[:4]}**********{NUMBER[-4:]}")
    }


def test_a_look_up_that_finds_nothing_is_logged_too(province):
    response = look_up(province)

    assert "没有找到该身份证号码的培训记录" in visible_text(response)
    (logged,) = PiiDisclosure.objects.all()
    assert logged.participant is None and logged.id_masked == f"{NUMBER[:4]}**********{NUMBER[-4:]}"


def test_a_wrong_check_digit_is_refused_in_chinese_and_the_input_is_kept(province):
    attend(NUMBER)
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")

    response = look_up(province, number=wrong, reason="核对学时")

    html = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码的校验码（第18位）不正确" in html
    assert f'value="{wrong}"' in html and 'value="核对学时"' in html
    assert not PiiDisclosure.objects.exists()


def test_a_look_up_without_a_reason_is_refused_and_logs_nothing(province):
    attend(NUMBER)

    response = look_up(province, reason="  ")

    assert "请填写查询理由" in response.content.decode()
    assert "查询结果" not in visible_text(response) and "本次查询已记录" not in visible_text(response)
    assert not PiiDisclosure.objects.exists()


def test_the_number_is_never_taken_from_the_query_string(province):
    attend(NUMBER)

    response = province.get(URL, {"id_number": NUMBER, "reason": "核对"})

    assert response.status_code == 200 and NUMBER not in response.content.decode()
    assert 'method="post"' in response.content.decode()
    assert not PiiDisclosure.objects.exists()


@pytest.mark.parametrize(
    "user",
    [
        lambda: factories.InstitutionUserFactory(),
        lambda: factories.RecommenderUserFactory(),
        lambda: factories.InspectorUserFactory(),
        lambda: factories.ExpertUserFactory(),
    ],
    ids=["institution", "recommender", "inspector", "expert"],
)
def test_nobody_but_the_province_reaches_learning_records(client, user):
    participant = attend(NUMBER)
    other = client_as(user(), client)

    assert other.get(URL).status_code == 404
    assert look_up(other).status_code == 404
    assert look_up(other, export="xlsx").status_code == 404
    assert other.post(HOURS_URL, {"year": 2026, "full_numbers": "1", "reason": "统计"}).status_code == 404
    assert not PiiDisclosure.objects.exists() and not IdNumberExport.objects.exists()
    assert participant.name not in other.get(URL).content.decode()


def test_the_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.post(URL, {"id_number": NUMBER, "reason": "x"})

    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not PiiDisclosure.objects.exists()


def test_the_page_runs_a_fixed_number_of_queries_for_one_class_and_for_thirty(province):
    bases = [factories.BaseFactory() for _ in range(3)]
    attend(NUMBER, base=bases[0])

    def grow():
        for n in range(29):
            attend(NUMBER, base=bases[n % 3], year=2020 + n % 7)

    def fetch():
        response = look_up(province)
        assert response.status_code == 200
        return response

    # the signed-in user; the classes (one join) and the hours per year; one INSERT of every log row between
    # SAVEPOINT and RELEASE; the menu's unread count
    response = assert_constant_queries(fetch, grow, pinned=7, warm=True)
    assert visible_text(response).count("专业技术人员继续教育培训班") == 30
    assert PiiDisclosure.objects.count() == 1 + 1 + 30  # the warm-up, the first count, the second


def test_the_province_exports_a_trainees_record_as_xlsx_and_the_export_is_logged(province):
    base = factories.BaseFactory(name="福州工程技术继续教育基地")
    attend(NUMBER, base=base, year=2025, hours=24, attended=20, title="工程管理班", name="林学员")
    attend(NUMBER, year=2026, title="公共卫生班", name="林学员", assessed_on=datetime.date(2026, 3, 4))

    response = look_up(province, reason="学员申请打印学习档案", export="xlsx")

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = sheet_rows(response)
    assert header[:5] == ("姓名", "身份证号码", "基地编号", "基地名称", "培训班名称")
    assert "参训学时" in header and "考核结果" in header and "考核日期" in header
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("林学员", NUMBER, "福州工程技术继续教育基地", "工程管理班"),
        ("林学员", NUMBER, rows[1][3], "公共卫生班"),
    ]
    assert rows[0][header.index("参训学时")] == 20 and rows[1][header.index("考核结果")] == "合格"
    (logged,) = IdNumberExport.objects.all()
    assert (logged.user.username, logged.reason, logged.id_count) == ("sheng", "学员申请打印学习档案", 1)
    assert NUMBER not in logged.what and NUMBER[-4:] in logged.what
    assert not PiiDisclosure.objects.exists()  # the file is logged as an export, not as a page


def test_an_export_with_a_bad_number_is_refused_on_the_page_and_writes_nothing(province):
    response = look_up(province, number="35010219850317", export="xlsx")

    assert response.status_code == 200 and "身份证号码应为18位" in response.content.decode()
    assert not IdNumberExport.objects.exists()


def test_every_trainees_hours_of_a_year_export_with_masked_numbers_and_no_log(province):
    base = factories.BaseFactory()
    attend(NUMBER, base=base, year=2026, attended=24, name="林学员")
    attend(NUMBER, year=2026, attended=16, result="failed", name="林学员")
    attend(NUMBER, base=base, year=2025, attended=40, name="林学员")  # another year
    attend(OTHER, base=base, year=2026, attended=8, name="陈学员")

    response = province.post(HOURS_URL, {"year": "2026", "full_numbers": "0"})

    header, *rows = sheet_rows(response)
    assert header == ("年度", "姓名", "身份证号码", "参训班次", "参训基地数", "参训学时合计", "考核合格学时")
    by_name = {r[1]: r for r in rows}
    assert set(by_name) == {"林学员", "陈学员"}
    assert by_name["林学员"] == (2026, "林学员", f"{NUMBER[:4]}**********{NUMBER[-4:]}", 2, 2, 40, 24)
    assert by_name["陈学员"][5:] == (8, 8)
    assert not IdNumberExport.objects.exists()


def test_the_hours_of_one_base_export_with_full_numbers_logged_with_how_many(province):
    base = factories.BaseFactory(name="福州工程技术继续教育基地")
    attend(NUMBER, base=base, year=2026)
    attend(OTHER, base=base, year=2026)
    attend(factories.id_number(30), year=2026)  # another base

    response = province.post(
        HOURS_URL, {"year": "2026", "base": base.pk, "full_numbers": "1", "reason": "制发继续教育证书"}
    )

    header, *rows = sheet_rows(response)
    assert sorted(r[2] for r in rows) == sorted([NUMBER, OTHER])
    (logged,) = IdNumberExport.objects.all()
    assert (logged.reason, logged.id_count) == ("制发继续教育证书", 2)
    assert "2026" in logged.what and "福州工程技术继续教育基地" in logged.what


def test_full_numbers_without_a_reason_are_refused_and_the_choices_are_kept(province):
    attend(NUMBER)

    response = province.post(HOURS_URL, {"year": "2026", "full_numbers": "1", "reason": ""})

    html = response.content.decode()
    assert response.status_code == 200 and "导出完整身份证号码时请填写理由" in html
    assert 'value="2026"' in html
    assert re.search(r'<input[^>]*value="1"[^>]*checked', html) or re.search(r'<input[^>]*checked[^>]*value="1"', html)
    assert not IdNumberExport.objects.exists()


def test_a_year_that_is_not_a_year_is_refused_in_chinese(province):
    response = province.post(HOURS_URL, {"year": "二〇二六", "full_numbers": "0"})

    assert response.status_code == 200 and "请填写四位数的年度" in response.content.decode()


def test_the_hours_export_runs_a_fixed_number_of_queries(province):
    attend(NUMBER)

    def grow():
        for n in range(20):
            attend(factories.id_number(100 + n))

    def fetch():
        response = province.post(HOURS_URL, {"year": "2026", "full_numbers": "1", "reason": "制证"})
        return sheet_rows(response)

    rows = assert_constant_queries(fetch, grow, warm=True)
    assert len(rows) == 1 + 21


def test_the_province_reaches_the_learning_record_from_its_menu_and_the_class_list(province):
    home = province.get(reverse("home")).content.decode()
    classes = province.get(reverse("training:all_classes")).content.decode()

    assert URL in home and URL in classes and HOURS_URL in classes


def test_a_recommender_sees_its_classes_without_any_link_to_learning_records(client):
    recommender = client_as(factories.RecommenderUserFactory(), client)

    assert URL not in recommender.get(reverse("training:all_classes")).content.decode()
