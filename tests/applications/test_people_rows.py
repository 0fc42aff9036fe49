"""Issue 15, point 4: the people table of Art. 7(3) starts with as many rows as the rule needs, blank rows
are neither saved nor checked, and 添加一行 works in the page and, without JavaScript, through the server
(the form comes back as typed, one row longer, and nothing is saved)."""

import re

import pytest
from django.urls import reverse

from applications.models import ApplicationPerson, PersonKind
from tests import factories

from .conftest import edit_data

pytestmark = pytest.mark.django_db


def edit_url(app):
    return reverse("applications:edit", args=[app.pk])


def rows_of(page: str) -> list[str]:
    """The kind selected in each row of the people table (the <template> row excluded)."""
    body = page[page.index('id="people-rows"') : page.index("</tbody>", page.index('id="people-rows"'))]
    return re.findall(r'name="people-\d+-kind"[^>]*>.*?<option value="(\w+)"[^>]*selected', body, re.S)


def total_forms(page: str) -> int:
    return int(re.search(r'name="people-TOTAL_FORMS" value="(\d+)"', page).group(1))


def test_a_new_application_shows_five_manager_rows_and_three_faculty_rows(institution_user, batch, client_as):
    app = factories.ApplicationFactory(institution=institution_user.institution, batch=batch)
    page = client_as(institution_user).get(edit_url(app)).content.decode()
    assert rows_of(page) == [PersonKind.MANAGER] * 5 + [PersonKind.FACULTY] * 3
    assert total_forms(page) == 8
    assert 'aria-label="第5行 姓名"' in page


def test_a_complete_list_gets_two_blank_rows(draft, institution_user, client_as):
    listed = draft.people.count()
    page = client_as(institution_user).get(edit_url(draft)).content.decode()
    assert total_forms(page) == listed + 2


def test_blank_rows_with_their_preset_kind_are_ignored_on_save(institution_user, batch, client_as):
    app = factories.ApplicationFactory(institution=institution_user.institution, batch=batch)
    blank = [{"kind": PersonKind.MANAGER}] * 4 + [{"kind": PersonKind.FACULTY}] * 3
    filled = {"kind": PersonKind.MANAGER, "name": "林晓", "degree": "bachelor", "title": "主任"}
    response = client_as(institution_user).post(edit_url(app), edit_data(app, people=[filled, *blank]))
    assert response.status_code == 302
    assert list(ApplicationPerson.objects.filter(application=app).values_list("name", flat=True)) == ["林晓"]


def test_a_typed_row_without_a_name_is_still_checked(institution_user, batch, client_as):
    app = factories.ApplicationFactory(institution=institution_user.institution, batch=batch)
    response = client_as(institution_user).post(
        edit_url(app), edit_data(app, people=[{"kind": PersonKind.FACULTY, "title": "讲师"}])
    )
    assert response.status_code == 200
    assert "第1行 姓名" in response.content.decode()
    assert not ApplicationPerson.objects.filter(application=app).exists()


def test_add_a_row_without_javascript_shows_the_form_again_as_typed_and_saves_nothing(
    draft, institution_user, client_as
):
    before = list(draft.people.values_list("name", flat=True))
    people = [*list(draft.people.values("id", "kind", "name", "degree", "title", "specialty", "full_time"))]
    people[0]["name"] = "改过的名字"
    data = edit_data(draft, people=people, faculty_description="新写的师资说明")
    del data["save"]
    data["people-add"] = "1"
    response = client_as(institution_user).post(edit_url(draft), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert total_forms(page) == len(people) + 1
    assert f'name="people-{len(people)}-name"' in page
    assert "改过的名字" in page and "新写的师资说明" in page
    assert "已添加一行（尚未保存）" in page
    assert list(draft.people.values_list("name", flat=True)) == before
    draft.refresh_from_db()
    assert draft.faculty_description != "新写的师资说明"


def test_the_page_carries_the_row_template_and_enter_saves_rather_than_adding_or_removing(
    draft, institution_user, client_as
):
    page = client_as(institution_user).get(edit_url(draft)).content.decode()
    template = page[page.index('<template id="people-empty-row">') : page.index("</template>")]
    assert 'name="people-__prefix__-name"' in template and "新增行 姓名" in template
    assert '<button type="submit" name="people-add"' in page
    form = page[page.index('<form method="post" enctype="multipart/form-data"') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'name="save"' in first_button


def test_a_returned_application_shows_the_return_comment_above_the_form(
    draft, institution_user, recommender_user, client_as
):
    from applications import services

    services.submit(actor=institution_user, application_id=draft.pk)
    services.transition(
        actor=recommender_user, application_id=draft.pk, action="return_recommender", comment="请补充近三年培训登记台账"
    )
    page = client_as(institution_user).get(edit_url(draft)).content.decode()
    alert = page[page.index("申报已被退回修改") :]
    assert "请补充近三年培训登记台账" in alert[: alert.index("</div>")]
