"""Art. 16 (建立师资队伍库) and Art. 7(3) (专(兼)职师资应当具备大学本科以上学历): the base's faculty pool is
seeded from its recognised application, kept by the base with history, imported from the xlsx template row by
row (all or nothing, idempotent), and read by the province; teachers below a bachelor's degree are flagged."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import PersonKind
from bases import faculty_sheet
from bases.models import Teacher
from bases.services import create_base
from tests import factories
from tests.helpers import assert_constant_queries, client_as, get_ok, visible_text

pytestmark = pytest.mark.django_db

ROW = ["陈老师", "大学本科", "讲师", "会计", "兼职", "福建师范大学", "财务管理", "2025-03-01"]


@pytest.fixture
def base():
    return factories.BaseFactory(recognised_on=date(2025, 1, 10))


@pytest.fixture
def keeper(base, client):
    return client_as(factories.InstitutionUserFactory(institution=base.institution), client)


def import_file(client, base, rows, **kwargs):
    return client.post(
        reverse("bases:faculty_import", args=[base.pk]), {"file": factories.faculty_xlsx(rows, **kwargs)}
    )


# -- seeded at recognition -----------------------------------------------------------------------------


def test_recognition_seeds_the_pool_with_the_applications_faculty_not_its_managers():
    app = factories.ApplicationFactory(complete=True, state="approved")  # 5 managers, 1 part-time faculty
    factories.ApplicationPersonFactory(
        application=app, kind=PersonKind.FACULTY, name="林教授", degree="doctor", title="教授", specialty="土木工程"
    )

    base = create_base(application=app, recognised_on=date(2025, 7, 1))

    teachers = {t.name: t for t in base.teachers.all()}
    assert set(teachers) == {"教师甲", "林教授"}
    lin = teachers["林教授"]
    assert (lin.degree, lin.title, lin.fields, lin.full_time) == ("doctor", "教授", "土木工程", True)
    assert lin.employer == base.institution.name and lin.active_from == date(2025, 7, 1)
    assert teachers["教师甲"].employer == ""  # part-time: the application did not ask for the employer
    assert lin.history.get().history_type == "+"


# -- kept by the base, with history ----------------------------------------------------------------------


def test_the_base_adds_edits_and_ends_a_teacher_and_the_history_shows_each_change(base, keeper):
    response = keeper.post(
        reverse("bases:teacher_new", args=[base.pk]),
        {"name": "李老师", "degree": "master", "full_time": "0", "employer": "福州大学", "active_from": "2025-02-01"},
    )
    assert response.status_code == 302
    teacher = base.teachers.get(name="李老师")

    response = keeper.post(
        reverse("bases:teacher", args=[teacher.pk]),
        {
            "name": "李老师",
            "degree": "doctor",
            "title": "教授",
            "full_time": "0",
            "employer": "福州大学",
            "active_from": "2025-02-01",
        },
    )
    assert response.status_code == 302
    keeper.post(reverse("bases:teacher_end", args=[teacher.pk]), {"active_to": timezone.localdate().isoformat()})

    teacher.refresh_from_db()
    assert teacher.degree == "doctor" and teacher.active_to == timezone.localdate()
    assert [h.history_type for h in teacher.history.order_by("history_date")] == ["+", "~", "~"]
    page = visible_text(get_ok(keeper, reverse("bases:teacher", args=[teacher.pk])))
    assert "学历：硕士研究生 → 博士研究生" in page
    assert "职称：（空） → 教授" in page
    assert "退出" in page


def test_a_form_refused_keeps_what_was_typed_and_says_why_in_chinese(base, keeper):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = keeper.post(
        reverse("bases:teacher_new", args=[base.pk]),
        {"name": "赵老师", "degree": "", "full_time": "1", "employer": "某某大学", "active_from": tomorrow},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择学历。" in html and 'value="某某大学"' in html and 'value="赵老师"' in html
    assert not base.teachers.exists()


def test_an_ended_teacher_cannot_be_ended_again(base, keeper):
    teacher = factories.TeacherFactory(base=base, active_to=date(2025, 6, 1))
    response = keeper.post(reverse("bases:teacher_end", args=[teacher.pk]), {"active_to": "2025-07-01"})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.active_to == date(2025, 6, 1)


# -- below a bachelor's degree (Art. 7(3)) ---------------------------------------------------------------


def test_a_teacher_below_a_bachelors_degree_is_flagged_in_the_list(base, keeper):
    factories.TeacherFactory(base=base, name="大专老师", degree="college")
    factories.TeacherFactory(base=base, name="本科老师")

    response = get_ok(keeper, reverse("bases:faculty", args=[base.pk]))

    text = visible_text(response)
    assert "大专老师 大专 低于本科" in text
    assert "本科老师 大学本科 低于本科" not in text


# -- import from the template ------------------------------------------------------------------------------


def test_the_template_has_the_columns_the_import_reads(base, keeper):
    response = get_ok(keeper, reverse("bases:faculty_template", args=[base.pk]))
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book["师资队伍"][1]]
    assert header == [column.header for column in faculty_sheet.COLUMNS]


def test_a_good_file_is_imported(base, keeper):
    response = import_file(
        keeper, base, [ROW, ["周老师", "硕士研究生", "高级工程师", "建筑", "专职", base.institution.name, "BIM", ""]]
    )

    assert response.status_code == 302
    chen = base.teachers.get(name="陈老师")
    assert (chen.degree, chen.full_time, chen.employer, chen.active_from) == (
        "bachelor",
        False,
        "福建师范大学",
        date(2025, 3, 1),
    )
    assert base.teachers.get(name="周老师").active_from == timezone.localdate()


def test_a_file_with_a_wrong_column_is_refused_as_a_whole(base, keeper):
    header = [*factories.FACULTY_HEADER[:4], "全职", *factories.FACULTY_HEADER[5:]]
    response = import_file(keeper, base, [ROW], header=header)

    assert response.status_code == 400
    text = visible_text(response)
    assert "第1行 专职或兼职 缺少该列" in text
    assert "第1行 全职 无法识别的列标题" in text
    assert not base.teachers.exists()


def test_row_errors_are_reported_by_row_and_column_and_nothing_is_imported(base, keeper):
    rows = [
        ROW,
        ["", "大学本科", "", "", "专职", "", "", ""],
        ["吴老师", "", "", "", "专职", "", "", ""],
        ["郑老师", "中专", "", "", "全职", "", "", "2025-13-01"],
        ["陈老师", "大学本科", "", "", "兼职", "福建师范大学", "", ""],
    ]
    response = import_file(keeper, base, rows)

    assert response.status_code == 400
    text = visible_text(response)
    assert "第3行 姓名 此项为必填。" in text
    assert "第4行 学历 此项为必填。" in text  # a teacher without a degree is refused
    assert "第5行 学历 「中专」不是可选的学历" in text
    assert "第5行 专职或兼职 「全职」无法识别" in text
    assert "第5行 入库日期 「2025-13-01」不是有效日期" in text
    assert "第6行 姓名 与第2行的姓名和工作单位相同" in text
    assert not base.teachers.exists()  # all or nothing: the good row 2 is not imported either


def test_a_teacher_below_a_bachelors_degree_is_imported_flagged_with_the_reason(base, keeper):
    response = import_file(keeper, base, [["孙老师", "大专", "", "", "兼职", "某职业学院", "", ""]])

    assert response.status_code == 302
    assert base.teachers.get(name="孙老师").below_bachelor
    messages = visible_text(get_ok(keeper, reverse("bases:faculty", args=[base.pk])))
    assert "其中1名学历低于大学本科，已在名单中标记" in messages


def test_importing_the_same_file_again_changes_nothing(base, keeper):
    rows = [ROW, ["周老师", "硕士研究生", "", "", "专职", "", "", "2025-02-01"]]
    import_file(keeper, base, rows)
    history = Teacher.history.filter(base_id=base.pk).count()

    response = import_file(keeper, base, rows)

    assert response.status_code == 302
    assert base.teachers.count() == 2
    assert Teacher.history.filter(base_id=base.pk).count() == history
    assert "2名无变化" in visible_text(get_ok(keeper, reverse("bases:faculty", args=[base.pk])))


def test_a_reimport_matches_by_name_and_employer_and_updates(base, keeper):
    import_file(keeper, base, [ROW])
    changed = [*ROW[:2], "副教授", *ROW[3:]]
    import_file(keeper, base, [changed, ["陈老师", "大学本科", "", "", "兼职", "厦门大学", "", ""]])

    assert base.teachers.get(name="陈老师", employer="福建师范大学").title == "副教授"
    assert base.teachers.filter(name="陈老师").count() == 2  # same name, another employer: another teacher


def test_a_file_that_is_not_xlsx_is_refused_by_the_upload_check(base, keeper):
    response = keeper.post(reverse("bases:faculty_import", args=[base.pk]), {"file": factories.pdf_file("师资.pdf")})
    assert response.status_code == 400
    assert "请上传用本页模板填写的Excel（.xlsx）文件。" in response.content.decode()


# -- who sees it -----------------------------------------------------------------------------------------------


def test_another_bases_teacher_answers_404(base, keeper):
    other = factories.TeacherFactory()
    for url in (
        reverse("bases:teacher", args=[other.pk]),
        reverse("bases:faculty", args=[other.base_id]),
    ):
        assert keeper.get(url).status_code == 404
    assert keeper.post(reverse("bases:teacher_end", args=[other.pk]), {"active_to": "2025-07-01"}).status_code == 404
    other.refresh_from_db()
    assert other.active_to is None


def test_the_province_reads_every_pool_but_cannot_change_it(base, client):
    teacher = factories.TeacherFactory(base=base, name="王老师")
    province = client_as(factories.UserFactory(role="province"), client)

    page = get_ok(province, reverse("bases:faculty", args=[base.pk])).content.decode()

    assert "王老师" in page
    assert reverse("bases:teacher_new", args=[base.pk]) not in page
    assert reverse("bases:teacher_end", args=[teacher.pk]) not in page
    assert province.post(reverse("bases:teacher_new", args=[base.pk]), {"name": "x"}).status_code == 404
    assert province.post(reverse("bases:teacher", args=[teacher.pk]), {"name": "x"}).status_code == 404


# -- query count -------------------------------------------------------------------------------------------------


def test_the_pool_page_runs_a_fixed_number_of_queries(base, keeper):
    """The session user, the unread badge, the base, its teachers, its latest changes."""
    url = reverse("bases:faculty", args=[base.pk])

    def grow():
        for i in range(45):
            factories.TeacherFactory(base=base, degree="college" if i % 5 == 0 else "master")

    for _ in range(5):
        factories.TeacherFactory(base=base)
    assert_constant_queries(lambda: get_ok(keeper, url), grow, pinned=5)


def test_the_data_migration_seeds_the_pools_of_existing_bases_once():
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    seed = importlib.import_module("bases.migrations.0010_seed_faculty_pools").seed
    # the models as the migration sees them (no history signals: the migration writes the history rows)
    apps = MigrationLoader(connection).project_state(("bases", "0010_seed_faculty_pools")).apps
    app = factories.ApplicationFactory(complete=True, state="approved")  # its faculty: 教师甲
    existing = factories.BaseFactory(application=app)  # made before the pool existed: no teachers
    kept = factories.TeacherFactory(name="已有教师")  # a base that has a pool is left alone

    seed(apps, None)
    seed(apps, None)

    assert [t.name for t in existing.teachers.all()] == ["教师甲"]
    assert existing.teachers.get().history.get().history_type == "+"
    assert list(kept.base.teachers.values_list("name", flat=True)) == ["已有教师"]
