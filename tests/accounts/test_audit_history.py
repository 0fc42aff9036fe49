"""Audit (SPEC 5): every change made through a page is kept with who made it and when."""

from django.urls import reverse

from accounts.models import Department, User
from applications.models import Application, Batch
from tests import factories


def _people_management(total=0):
    return {
        "people-TOTAL_FORMS": str(total),
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "1000",
    }


def test_editing_a_batch_records_the_province_user_who_did_it(client_as, province_user):
    batch = factories.BatchFactory(name="旧名称")
    response = client_as(province_user).post(
        reverse("applications:batch_edit", args=[batch.pk]),
        {
            "name": "2025年度第二批申报",
            "year": batch.year,
            "opens_on": batch.opens_on.isoformat(),
            "closes_on": batch.closes_on.isoformat(),
            "notes": "请按时提交。",
        },
    )
    assert response.status_code == 302

    latest = Batch.history.filter(id=batch.pk).first()
    assert latest.history_type == "~"
    assert latest.history_user == province_user
    assert latest.name == "2025年度第二批申报"
    previous = latest.prev_record
    assert previous.name == "旧名称"
    assert {c.field for c in latest.diff_against(previous).changes} == {"name", "notes"}


def test_an_institution_saving_its_draft_is_recorded_and_shown_on_the_timeline(client_as, institution_user):
    app = factories.ApplicationFactory(institution=institution_user.institution, created_by=institution_user)
    client = client_as(institution_user)
    response = client.post(
        reverse("applications:edit", args=[app.pk]),
        {
            "training_fields": [factories.field("卫生健康").pk],
            "teaching_capacity": "150",
            "recommender_kind": "region",
            **_people_management(),
        },
    )
    assert response.status_code == 302

    latest = Application.history.filter(id=app.pk).first()
    assert latest.history_user == institution_user
    assert latest.teaching_capacity == 150
    assert [field.name for field in app.training_fields.all()] == ["卫生健康"]

    # What a reader of the application sees: who changed what, from what to what.
    html = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "修改了内容" in html
    assert institution_user.display_name in html
    assert "卫生健康" in html


def test_switching_off_a_department_records_who_did_it(client_as, province_user):
    department = factories.DepartmentFactory(name="福建省林业局")
    client_as(province_user).post(reverse("users:department_edit", args=[department.pk]), {"name": "福建省林业局"})
    latest = Department.history.filter(id=department.pk).first()
    assert (latest.active, latest.history_user) == (False, province_user)


def test_deactivating_an_account_records_who_did_it(client_as, province_user, recommender_user):
    client_as(province_user).post(reverse("users:toggle_account", args=[recommender_user.pk]))
    latest = User.history.filter(id=recommender_user.pk).first()
    assert (latest.is_active, latest.history_user) == (False, province_user)


def test_passwords_are_not_copied_into_the_history(db):
    user = factories.InstitutionUserFactory()
    user.set_password("An0ther-Passw0rd")
    user.save()
    history_fields = {f.name for f in User.history.model._meta.fields}
    assert "password" not in history_fields
    assert "last_login" not in history_fields


def test_a_change_made_outside_a_request_is_kept_without_a_user(db):
    batch = factories.BatchFactory()
    batch.name = "脚本修改"
    batch.save()
    latest = Batch.history.filter(id=batch.pk).first()
    assert (latest.name, latest.history_user) == ("脚本修改", None)
