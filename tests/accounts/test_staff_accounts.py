"""The province opens the accounts of recommenders, inspectors and its own staff, and keeps the list of
provincial industry departments that may recommend applicants (Art. 8(3))."""

import re

import pytest
from django.urls import reverse

from accounts.models import Department, Role, User
from tests import factories
from tests.helpers import assert_constant_queries, get_ok


def field_block(html: str, name: str) -> str:
    match = re.search(rf'id="field-{re.escape(name)}".*?(?=id="field-|</form>)', html, re.S)
    assert match, f"field {name} not on the page"
    return match.group(0)


def account(**overrides) -> dict:
    data = {
        "username": "putian_hr",
        "full_name": "莆田推荐员",
        "email": "hr@putian.example.cn",
        "phone": "0594-1234567",
        "role": Role.RECOMMENDER,
        "region": factories.region("350300").pk,
        "department": "",
        "inspector_unit": "",
        "password": "Init1al-Passw0rd",
    }
    data.update(overrides)
    return data


def test_the_province_creates_a_recommender_account_that_can_sign_in(client_as, province_user):
    client = client_as(province_user)
    response = client.post(reverse("users:staff_accounts"), account())
    assert response.status_code == 302 and response.url == reverse("users:staff_accounts")

    user = User.objects.get(username="putian_hr")
    assert (user.role, user.region.name, user.department) == (Role.RECOMMENDER, "莆田市", None)
    listing = client.get(reverse("users:staff_accounts")).content.decode()
    assert "已创建账户“putian_hr”（推荐单位）" in listing
    assert "<td>莆田市人力资源和社会保障局</td>" in listing

    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "putian_hr", "password": "Init1al-Passw0rd"})
    home = client.get(reverse("home"))
    assert "portal/home_recommender.html" in [t.name for t in home.templates]
    assert "莆田市人力资源和社会保障局" in home.content.decode()


def test_the_province_creates_a_recommender_of_a_provincial_department(client_as, province_user):
    department = factories.DepartmentFactory(name="福建省卫生健康委员会")
    client_as(province_user).post(reverse("users:staff_accounts"), account(region="", department=department.pk))
    user = User.objects.get(username="putian_hr")
    assert (user.region, user.department) == (None, department)


@pytest.mark.parametrize("region, department", [(True, True), (False, False)], ids=["both", "neither"])
def test_a_recommender_needs_exactly_one_unit(client_as, province_user, region, department):
    dept = factories.DepartmentFactory()
    data = account(
        region=factories.region("350300").pk if region else "",
        department=dept.pk if department else "",
    )
    response = client_as(province_user).post(reverse("users:staff_accounts"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "推荐单位账户须且只能选择一个设区市人社部门或一个省级行业主管部门" in field_block(html, "region")
    assert 'value="putian_hr"' in html  # what was typed is kept
    assert not User.objects.filter(username="putian_hr").exists()


def test_an_inspector_account_needs_its_inspector_unit(client_as, province_user):
    response = client_as(province_user).post(
        reverse("users:staff_accounts"), account(role=Role.INSPECTOR, region="", username="insp")
    )
    assert response.status_code == 200
    assert "考核委托单位账户须选择所属单位" in field_block(response.content.decode(), "inspector_unit")
    assert not User.objects.filter(username="insp").exists()


@pytest.mark.parametrize("role", [Role.INSTITUTION, Role.ADMIN])
def test_the_staff_page_cannot_create_institution_or_administrator_accounts(client_as, province_user, role):
    response = client_as(province_user).post(reverse("users:staff_accounts"), account(role=role, region=""))
    assert response.status_code == 200
    assert "所选内容不在可选范围内" in field_block(response.content.decode(), "role")
    assert not User.objects.filter(username="putian_hr").exists()


def test_a_province_account_drops_any_unit_chosen_by_mistake(client_as, province_user):
    client_as(province_user).post(reverse("users:staff_accounts"), account(role=Role.PROVINCE, username="prov2"))
    user = User.objects.get(username="prov2")
    assert (user.role, user.region, user.department) == (Role.PROVINCE, None, None)


def test_a_weak_initial_password_is_refused_at_the_field(client_as, province_user):
    response = client_as(province_user).post(reverse("users:staff_accounts"), account(password="abcdefghijkl"))
    assert "密码须同时包含字母和数字" in field_block(response.content.decode(), "password")
    assert not User.objects.filter(username="putian_hr").exists()


def test_the_province_deactivates_and_reactivates_an_account(client_as, province_user, recommender_user):
    url = reverse("users:toggle_account", args=[recommender_user.pk])
    client = client_as(province_user)
    client.post(url)
    recommender_user.refresh_from_db()
    assert recommender_user.is_active is False
    assert "<td>停用</td>" in client.get(reverse("users:staff_accounts")).content.decode()
    client.post(url)
    recommender_user.refresh_from_db()
    assert recommender_user.is_active is True


def test_the_province_cannot_deactivate_its_own_account(client_as, province_user):
    response = client_as(province_user).post(reverse("users:toggle_account", args=[province_user.pk]), follow=True)
    assert "不能停用自己的账户" in response.content.decode()
    province_user.refresh_from_db()
    assert province_user.is_active


def test_institution_accounts_are_not_managed_on_the_staff_page(client_as, province_user, institution_user):
    response = client_as(province_user).post(reverse("users:toggle_account", args=[institution_user.pk]))
    assert response.status_code == 404
    institution_user.refresh_from_db()
    assert institution_user.is_active


def test_the_staff_account_list_runs_the_same_queries_for_5_and_50_accounts(client_as, province_user):
    client = client_as(province_user)
    url = reverse("users:staff_accounts")
    for _ in range(5):
        factories.RecommenderUserFactory(department=factories.DepartmentFactory(), region=None)

    def add_45():
        for _ in range(15):
            factories.RecommenderUserFactory()
            factories.RecommenderUserFactory(department=factories.DepartmentFactory(), region=None)
            factories.InspectorUserFactory()

    assert_constant_queries(lambda: get_ok(client, url), add_45)


# -- provincial industry departments -----------------------------------------------------------------


def test_the_department_list_shows_every_department_and_which_are_switched_off(client_as, province_user):
    factories.DepartmentFactory(name="福建省教育厅")
    factories.DepartmentFactory(name="福建省交通运输厅", active=False)
    html = client_as(province_user).get(reverse("users:departments")).content.decode()
    assert "福建省教育厅" in html
    assert re.search(r"福建省交通运输厅 <span[^>]*>已停用</span>", html)


def test_the_province_adds_a_department(client_as, province_user):
    response = client_as(province_user).post(reverse("users:departments"), {"name": " 福建省林业局 ", "active": "on"})
    assert response.status_code == 302
    assert Department.objects.get().name == "福建省林业局"


def test_a_department_name_is_unique(client_as, province_user):
    factories.DepartmentFactory(name="福建省林业局")
    response = client_as(province_user).post(reverse("users:departments"), {"name": "福建省林业局", "active": "on"})
    assert response.status_code == 200
    assert "已有同名的省级行业主管部门" in field_block(response.content.decode(), "name")
    assert Department.objects.count() == 1


def test_a_switched_off_department_is_no_longer_offered_to_applicants_or_new_accounts(client_as, province_user):
    department = factories.DepartmentFactory(name="福建省林业局")
    client = client_as(province_user)
    client.post(reverse("users:department_edit", args=[department.pk]), {"name": "福建省林业局"})  # unticked
    department.refresh_from_db()
    assert department.active is False
    form = client.get(reverse("users:staff_accounts")).content.decode()
    assert "福建省林业局" not in field_block(form, "department")


def test_the_department_list_runs_the_same_queries_for_5_and_50_departments(client_as, province_user):
    client = client_as(province_user)
    url = reverse("users:departments")
    factories.DepartmentFactory.create_batch(5)
    assert_constant_queries(lambda: get_ok(client, url), lambda: factories.DepartmentFactory.create_batch(45))
