"""Art. 7 (and 8(2)-(3)): the pre-check names every unmet condition with its article, and refusing a
submission never loses what the institution typed."""

import pytest
from django.urls import reverse

from accounts.credit_code import check_character
from applications import rules, services
from applications.models import RULE_CONDITIONS, Condition, Degree, PersonKind, State
from core.errors import RuleViolation
from core.models import Notification
from tests import factories

from .conftest import complete_draft, edit_data, events

pytestmark = pytest.mark.django_db


def problems_of(app):
    app.refresh_from_db()
    return rules.unmet_conditions(app)


def shown(problems) -> list[str]:
    """The problems as the applicant reads them: message（article）."""
    return [str(p) for p in problems]


def drop_document(app, condition):
    from django.utils import timezone

    app.documents.filter(condition=condition).update(replaced_at=timezone.now())


def test_complete_draft_meets_every_condition(draft):
    assert problems_of(draft) == []


# -- one unmet condition at a time -----------------------------------------------------------------


def test_teaching_venue_under_100_is_named_with_article_7_2(draft):
    draft.teaching_capacity = 99
    draft.save()
    assert shown(problems_of(draft)) == ["教学场所容纳人数不足100人（第七条第二项）"]
    assert problems_of(draft)[0].field == "teaching_capacity"


def test_teaching_venue_of_exactly_100_is_enough(draft):
    draft.teaching_capacity = 100
    draft.save()
    assert problems_of(draft) == []


def test_specialised_field_without_practical_training_is_named_with_article_7_2(draft):
    draft.needs_practical_training = True
    draft.save()
    assert shown(problems_of(draft)) == [
        "专业性强的领域须有实训场所或实训合作单位，未填写（第七条第二项）",
        "未上传实训场所或实训合作协议（第七条第二项）",
    ]


def test_fewer_than_five_bachelor_managers_is_named_with_article_7_3(draft):
    manager = draft.people.filter(kind=PersonKind.MANAGER).first()
    manager.degree = Degree.COLLEGE
    manager.save()
    assert shown(problems_of(draft)) == ["本科以上学历的专职管理人员不少于5名，目前列出4名（第七条第三项）"]


def test_part_time_managers_do_not_count_towards_the_five_of_article_7_3(draft):
    draft.people.filter(kind=PersonKind.MANAGER).update(full_time=False)
    assert shown(problems_of(draft)) == ["本科以上学历的专职管理人员不少于5名，目前列出0名（第七条第三项）"]


def test_faculty_below_bachelor_is_named_by_person_with_article_7_3(draft):
    draft.people.filter(kind=PersonKind.FACULTY).update(degree=Degree.COLLEGE)
    factories.ApplicationPersonFactory(application=draft, kind=PersonKind.FACULTY, name="讲师乙", degree=Degree.OTHER)
    assert shown(problems_of(draft)) == ["专（兼）职师资应具备大学本科以上学历：教师甲、讲师乙不符合（第七条第三项）"]


def test_no_faculty_listed_is_named_with_article_7_3(draft):
    draft.people.filter(kind=PersonKind.FACULTY).delete()
    assert shown(problems_of(draft)) == ["未列出骨干师资（第七条第三项）"]


@pytest.mark.parametrize(
    "condition, name",
    [
        (Condition.RULE_TEACHING, "教学组织管理制度"),
        (Condition.RULE_ASSESSMENT, "学员考核管理制度"),
        (Condition.RULE_REGISTRATION, "培训登记管理制度"),
        (Condition.RULE_EVALUATION, "培训效果评估制度"),
        (Condition.RULE_LOGISTICS, "后勤保障制度"),
        (Condition.RULE_FINANCE, "财务管理制度"),
    ],
)
def test_each_missing_management_rule_is_named_with_article_7_4(draft, condition, name):
    drop_document(draft, condition)
    problems = problems_of(draft)
    assert shown(problems) == [f"未上传{name}（第七条第四项）"]
    assert problems[0].field == f"doc_{condition}"


def test_all_six_rules_are_asked_for(draft):
    assert len(RULE_CONDITIONS) == 6
    for condition in RULE_CONDITIONS:
        drop_document(draft, condition)
    assert [p.article for p in problems_of(draft)] == ["第七条第四项"] * 6


def test_a_year_under_1000_trained_is_named_with_its_year_and_article_7_5(draft):
    year = draft.batch.year
    draft.trained_year_2 = 999
    draft.save()
    assert shown(problems_of(draft)) == [f"{year - 2}年培训专业技术人员999人，不足1000人（第七条第五项）"]


def test_exactly_1000_trained_in_each_year_is_enough(draft):
    draft.trained_year_1 = draft.trained_year_2 = draft.trained_year_3 = 1000
    draft.save()
    assert problems_of(draft) == []


def test_a_year_left_blank_is_named_with_article_7_5(draft):
    draft.trained_year_3 = None
    draft.save()
    assert shown(problems_of(draft)) == [f"未填写{draft.batch.year - 3}年培训专业技术人员人数（第七条第五项）"]


def test_no_credit_declaration_is_named_with_article_7_6(draft):
    draft.credit_declaration = False
    draft.save()
    assert shown(problems_of(draft)) == [
        "未作出无违法、失信、重大经济纠纷及乱办班、乱收费、乱发证记录的信用承诺（第七条第六项）"
    ]


def test_online_training_without_platform_facts_is_named_with_article_7_7(draft):
    draft.trains_online = True
    draft.save()
    assert shown(problems_of(draft)) == [
        "开展网络培训的，须填写远程教育平台名称（第七条第七项）",
        "远程教育平台应具备接入福建省继续教育公共服务平台的条件（第七条第七项）",
        "未上传远程教育平台情况说明（第七条第七项）",
    ]


def test_online_training_with_a_connectable_platform_and_its_document_passes(draft):
    draft.trains_online = True
    draft.platform_name = "闽学在线"
    draft.platform_can_connect = True
    draft.save()
    factories.ApplicationDocumentFactory(application=draft, condition=Condition.PLATFORM)
    assert problems_of(draft) == []


def test_priority_claimed_without_its_document_is_named_with_article_8_2(draft):
    draft.is_city_base = True
    draft.save()
    assert shown(problems_of(draft)) == ["声明已是市级或行业性继续教育基地的，须上传认定文件（第八条第二项）"]
    factories.ApplicationDocumentFactory(application=draft, condition=Condition.PRIORITY)
    assert problems_of(draft) == []


def test_credit_code_registered_outside_fujian_is_named_with_article_7_1(institution_user, batch):
    body = "52110100MJ0000001"  # registering authority in 北京 (division 110100)
    institution_user.institution.credit_code = body + check_character(body)
    institution_user.institution.save()
    app = complete_draft(institution_user, batch)
    assert shown(problems_of(app)) == ["统一社会信用代码显示登记机关不在福建省内（第七条第一项）"]


def test_not_declared_an_independent_legal_person_is_named_with_article_7_1(draft):
    draft.is_independent_legal_person = False
    draft.save()
    assert shown(problems_of(draft)) == ["未声明为独立法人机构（第七条第一项）"]


def test_an_empty_draft_names_every_article_of_7_1_to_7_6(institution_user, batch):
    app = services.start_application(actor=institution_user, batch=batch)
    articles = {p.article for p in rules.unmet_conditions(app)}
    assert {f"第七条第{n}项" for n in "一二三四五六"} <= articles
    assert "第七条第七项" not in articles  # only asked of those who train online


# -- submitting with unmet conditions ---------------------------------------------------------------


def test_submit_service_refuses_with_every_problem_and_changes_nothing(draft, institution_user):
    draft.teaching_capacity = 50
    draft.credit_declaration = False
    draft.save()
    before = len(events(draft))
    with pytest.raises(services.PrecheckFailed) as failed:
        services.submit(actor=institution_user, application_id=draft.pk)
    assert shown(failed.value.problems) == [
        "教学场所容纳人数不足100人（第七条第二项）",
        "未作出无违法、失信、重大经济纠纷及乱办班、乱收费、乱发证记录的信用承诺（第七条第六项）",
    ]
    assert failed.value.article == "第七条"
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.submitted_at is None
    assert len(events(draft)) == before and not Notification.objects.exists()


def test_submitting_through_the_edit_page_saves_the_typed_fields_and_lists_the_problems(
    draft, institution_user, client_as
):
    c = client_as(institution_user)
    data = edit_data(draft, submit=True, teaching_capacity=80, introduction="新写的机构简介", trained_year_1=900)
    response = c.post(reverse("applications:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "草稿已保存，但申报尚未满足条件，不能提交" in page
    assert "尚未满足的条件（2项）" in page
    assert "教学场所容纳人数不足100人" in page and "（第七条第二项）" in page
    assert f"{draft.batch.year - 1}年培训专业技术人员900人，不足1000人" in page and "（第七条第五项）" in page
    assert 'href="#field-teaching_capacity"' in page
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert (draft.introduction, draft.teaching_capacity, draft.trained_year_1) == ("新写的机构简介", 80, 900)
    assert draft.people.count() == 6 and draft.documents.filter(replaced_at=None).count() == 11
    assert not Notification.objects.exists()


def test_an_empty_draft_submitted_from_the_page_names_each_article(institution_user, batch, client_as):
    app = services.start_application(actor=institution_user, batch=batch)
    c = client_as(institution_user)
    response = c.post(reverse("applications:edit", args=[app.pk]), edit_data(app, submit=True, people=[]))
    page = response.content.decode()
    for n in "一二三四五六":
        assert f"（第七条第{n}项）" in page
    app.refresh_from_db()
    assert app.state == State.DRAFT


def test_bad_number_is_refused_at_the_field_and_the_typed_text_is_redisplayed(draft, institution_user, client_as):
    c = client_as(institution_user)
    data = edit_data(draft, submit=True, teaching_capacity="-5", introduction="我刚写的简介")
    response = c.post(reverse("applications:edit", args=[draft.pk]), data)
    page = response.content.decode()
    assert "不能为负数。" in page.split('id="field-teaching_capacity"')[1].split("</div>")[0]
    assert "我刚写的简介" in page.split('id="field-introduction"')[1].split("</div>")[0]
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.teaching_capacity == 200


def test_detail_page_of_a_draft_lists_what_is_still_missing(draft, institution_user, client_as):
    draft.teaching_capacity = 10
    draft.save()
    page = client_as(institution_user).get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "提交前还需满足" in page and "教学场所容纳人数不足100人（第七条第二项）" in page


def test_rule_violation_carries_its_article(draft, institution_user):
    draft.teaching_capacity = 10
    draft.save()
    with pytest.raises(RuleViolation) as raised:
        services.submit(actor=institution_user, application_id=draft.pk)
    assert "教学场所容纳人数不足100人（第七条第二项）" in str(raised.value)


def test_the_blank_rows_under_the_people_are_left_out_when_saved_as_shown(draft, institution_user, client_as):
    """The edit page adds blank rows under the people. A browser posts them as shown: a 类别 chosen (the list
    has no blank choice) and 专职 ticked. Saving without filling them in neither refuses them
    for a missing name nor keeps them (found by the browser walk from the home page, tests/browser/test_homes.py)."""
    c = client_as(institution_user)
    page = c.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    n = draft.people.count()
    blank = [n, n + 1]
    for i in blank:
        kind = page.split(f'name="people-{i}-kind"')[1].split("</select>")[0]
        assert "selected" in kind, kind  # a kind is shown chosen
        assert "checked" in page.split(f'name="people-{i}-full_time"')[1].split(">")[0]
    data = edit_data(draft, introduction="改过的机构简介")
    data.update({"people-TOTAL_FORMS": str(n + 2), "people-INITIAL_FORMS": str(n)})
    for i in blank:
        data.update({f"people-{i}-{key}": "" for key in ("id", "name", "degree", "title", "specialty")})
        data.update({f"people-{i}-kind": PersonKind.MANAGER, f"people-{i}-full_time": "on"})
    response = c.post(reverse("applications:edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.introduction == "改过的机构简介" and draft.people.count() == n
