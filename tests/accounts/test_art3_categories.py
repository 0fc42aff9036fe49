"""Art. 3 (分类管理): the province maintains the training fields and institution kinds as reference data (add,
rename, reorder, retire, restore, with history); a category still used by a live base or an application in
progress cannot be retired; the old free text is read into fields through names and aliases, with a report of
the words that map to nothing; applications, bases, the register and the dashboard use the categories."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import InstitutionKind, InstitutionType, TrainingField
from applications.forms import ApplicationForm
from bases.services.recognition import create_base
from tests import factories
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(client_as, province_user):
    return client_as(province_user)


def test_art3_the_province_adds_renames_and_reorders_a_field_and_the_history_keeps_the_old_name(province):
    response = province.post(
        reverse("users:categories"), {"kind": "fields", "fields-name": "应急管理", "fields-order": "20"}, follow=True
    )
    assert "已新增培训领域“应急管理”" in visible_text(response)
    field = TrainingField.objects.get(name="应急管理")

    url = reverse("users:category_edit", args=["fields", field.pk])
    assert province.post(url, {"save": "1", "name": "应急管理与安全生产", "order": "3"}).status_code == 302
    field.refresh_from_db()
    assert (field.name, field.order) == ("应急管理与安全生产", 3)
    page = province.get(url).content.decode()
    assert "<h1" in page and "应急管理与安全生产" in page
    # the history keeps the old name, and who changed it
    assert [(h.name, h.history_user) for h in field.history.order_by("history_id")] == [
        ("应急管理", field.history.first().history_user),
        ("应急管理与安全生产", field.history.first().history_user),
    ]
    assert "<td>应急管理</td>" in page


def test_art3_a_duplicate_name_is_refused_at_the_field_and_the_typed_text_kept(province):
    response = province.post(
        reverse("users:categories"), {"kind": "fields", "fields-name": "卫生健康", "fields-order": "7"}
    )
    assert response.status_code == 200
    assert "已有名为“卫生健康”的培训领域" in visible_text(response)
    assert 'value="7"' in response.content.decode()
    assert TrainingField.objects.filter(name="卫生健康").count() == 1


def test_art3_a_field_a_live_base_trains_in_cannot_be_retired(province):
    base = factories.BaseFactory(published_at=None)
    base.training_fields.set([factories.field("农业")])
    response = province.post(reverse("users:category_retire", args=["fields", factories.field("农业").pk]), follow=True)
    assert "“农业”仍在使用中（1家在册基地），不能停用" in visible_text(response)
    assert factories.field("农业").retired_on is None


def test_art3_a_kind_an_application_in_progress_names_cannot_be_retired(province):
    factories.ApplicationFactory(institution__type=InstitutionType.ASSOCIATION, state="submitted")
    kind = InstitutionKind.objects.get(code=InstitutionType.ASSOCIATION)
    response = province.post(reverse("users:category_retire", args=["kinds", kind.pk]), follow=True)
    assert "仍在使用中（1份办理中的申报）" in visible_text(response)
    kind.refresh_from_db()
    assert kind.retired_on is None


def test_art3_a_retired_field_is_no_longer_offered_but_stays_on_the_records_that_have_it(province, institution_user):
    quiet = factories.field("知识产权")
    assert province.post(reverse("users:category_retire", args=["fields", quiet.pk])).status_code == 302
    quiet.refresh_from_db()
    assert quiet.retired_on is not None

    fresh = factories.ApplicationFactory(institution=institution_user.institution, created_by=institution_user)
    offered = [
        label
        for _, label in ApplicationForm(instance=fresh, institution=fresh.institution).fields["training_fields"].choices
    ]
    assert "知识产权" not in offered and "工程技术" in offered

    # an application that already names it keeps it (it was drafted before the retirement)
    older = factories.ApplicationFactory(state="withdrawn")
    older.training_fields.set([quiet])
    form = ApplicationForm(instance=older, institution=older.institution)
    assert "知识产权（已停用）" in [label for _, label in form.fields["training_fields"].choices]

    assert province.post(reverse("users:category_restore", args=["fields", quiet.pk])).status_code == 302
    quiet.refresh_from_db()
    assert quiet.retired_on is None


def test_art3_a_renamed_kind_shows_everywhere_under_its_new_name(province, client):
    base = factories.BaseFactory(published_at=timezone.now(), institution_type=InstitutionType.UNIVERSITY)
    kind = InstitutionKind.objects.get(code=InstitutionType.UNIVERSITY)
    province.post(
        reverse("users:category_edit", args=["kinds", kind.pk]), {"save": "1", "name": "普通高等学校", "order": "1"}
    )
    page = visible_text(client.get(reverse("public:base", args=[base.pk])))
    assert "普通高等学校" in page
    register = client.get(reverse("public:register"), {"institution_type": InstitutionType.UNIVERSITY})
    assert base.name in visible_text(register)
    assert '<option value="university" selected>普通高等学校</option>' in register.content.decode()


def test_art3_the_free_text_is_read_through_names_and_aliases_and_the_rest_reported(province, capsys):
    app = factories.ApplicationFactory(legacy_fields="医疗卫生、茶艺、工程技术")
    base = factories.BaseFactory(fields="农林；非遗传承")
    call_command("categories_report", "--apply")
    out = capsys.readouterr().out
    assert sorted(field.name for field in app.training_fields.all()) == ["卫生健康", "工程技术"]
    assert [field.name for field in base.training_fields.all()] == ["农业"]
    assert "茶艺" in out and "非遗传承" in out and "医疗卫生" not in out

    page = province.get(reverse("users:unmapped_words"))
    assert "茶艺" in visible_text(page) and "医疗卫生" not in visible_text(page)
    csv = province.get(reverse("users:unmapped_words"), {"export": "csv"})
    assert "茶艺" in b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")

    # an alias added on the field's page maps the word from then on
    url = reverse("users:category_edit", args=["fields", factories.field("文化艺术").pk])
    assert province.post(url, {"add_alias": "1", "word": "茶艺"}).status_code == 302
    assert (
        '<th scope="row" class="fw-normal">茶艺</th>'
        not in province.get(reverse("users:unmapped_words")).content.decode()
    )
    refused = province.post(url, {"add_alias": "1", "word": "医疗卫生"})
    assert "“医疗卫生”已是“卫生健康”的别名" in visible_text(refused)


def test_art3_a_recognised_base_trains_in_the_fields_of_its_application():
    app = factories.ApplicationFactory(complete=True, state="approved")
    app.training_fields.set([factories.field("卫生健康"), factories.field("教育")])
    base = create_base(application=app, recognised_on=date(2026, 6, 1))
    assert sorted(field.name for field in base.training_fields.all()) == ["卫生健康", "教育"]
    assert base.fields == "卫生健康、教育"
    assert base.institution_type == app.institution.type


def test_art3_the_categories_page_runs_the_same_queries_with_5_and_50_fields(province):
    url = reverse("users:categories")
    province.get(url)
    with CaptureQueriesContext(connection) as few:
        assert province.get(url).status_code == 200
    for n in range(45):
        TrainingField.objects.create(name=f"测试领域{n:02d}", order=100 + n)
    with CaptureQueriesContext(connection) as many:
        assert province.get(url).status_code == 200
    assert len(many) == len(few)
