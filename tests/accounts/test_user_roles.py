"""A user has exactly one role and the one organisation that role needs (the database enforces it)."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from tests import factories


@pytest.fixture
def orgs(db):
    return {
        "institution": factories.InstitutionFactory(),
        "region": factories.region("350100"),
        "department": factories.DepartmentFactory(),
        "inspector_unit": factories.InspectorUnitFactory(),
    }


WRONG = [
    ("institution without its institution", Role.INSTITUTION, []),
    ("institution that also names a city", Role.INSTITUTION, ["institution", "region"]),
    ("recommender without a unit", Role.RECOMMENDER, []),
    ("recommender of a city and a department", Role.RECOMMENDER, ["region", "department"]),
    ("recommender that is an institution", Role.RECOMMENDER, ["institution"]),
    ("inspector without its unit", Role.INSPECTOR, []),
    ("inspector that also names a city", Role.INSPECTOR, ["inspector_unit", "region"]),
    ("province staff of an institution", Role.PROVINCE, ["institution"]),
    ("administrator of a department", Role.ADMIN, ["department"]),
    ("no role at all", "", []),
]


@pytest.mark.parametrize("case, role, org_fields", WRONG, ids=[w[0] for w in WRONG])
def test_a_user_whose_organisation_does_not_match_the_role_cannot_be_saved(orgs, case, role, org_fields):
    user = User(username="wrong", role=role, **{name: orgs[name] for name in org_fields})
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()
    assert not User.objects.filter(username="wrong").exists()


RIGHT = [
    (Role.INSTITUTION, ["institution"]),
    (Role.RECOMMENDER, ["region"]),
    (Role.RECOMMENDER, ["department"]),
    (Role.INSPECTOR, ["inspector_unit"]),
    (Role.PROVINCE, []),
    (Role.ADMIN, []),
]


@pytest.mark.parametrize("role, org_fields", RIGHT, ids=[f"{r}-{'+'.join(f) or 'none'}" for r, f in RIGHT])
def test_a_user_with_the_organisation_its_role_needs_is_saved(orgs, role, org_fields):
    User.objects.create(username="right", role=role, **{name: orgs[name] for name in org_fields})
    assert User.objects.get(username="right").role == role


def test_a_recommender_is_named_after_its_units_hr_bureau(db):
    user = factories.RecommenderUserFactory(region=factories.region("350200"))
    assert user.organisation_name == "厦门市人力资源和社会保障局"


def test_a_superuser_created_from_the_command_line_gets_the_admin_role(db):
    admin = User.objects.create_superuser("root", "root@example.cn", "Adm1n-Passw0rd")
    assert admin.role == Role.ADMIN
    assert admin.organisation is None
