"""Art. 8(3), 9: a recognised base keeps the unit that recommended it (its application's routing), stored on the
base in the recognition's own transaction (issue 20: a recommender's list of bases reads it from one index), and
that unit, and no other, finds the base in its list."""

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.db.models import F, Q
from django.test import RequestFactory
from django.urls import reverse

from applications.models import Application, State
from bases.models import Base
from tests import factories

from .conftest import complete_draft

pytestmark = pytest.mark.django_db


def listed(client, base) -> bool:
    return f'href="/bases/{base.pk}/"' in client.get(reverse("bases:recommended")).content.decode()


def out_of_step():
    """Bases whose stored recommender is not their application's routing."""
    region = Q(recommender_region__isnull=False) | Q(application__recommender_region__isnull=False)
    department = Q(recommender_department__isnull=False) | Q(application__recommender_department__isnull=False)
    return Base.objects.filter(
        (region & (Q(recommender_region__isnull=True) | ~Q(recommender_region=F("application__recommender_region"))))
        | (
            department
            & (
                Q(recommender_department__isnull=True)
                | ~Q(recommender_department=F("application__recommender_department"))
            )
        )
    )


def test_a_base_recognised_on_a_city_recommendation_is_in_that_city_s_list_only(
    draft, drive, recommender_user, xiamen_recommender, client_as
):
    base = drive(draft, State.APPROVED)
    assert (base.recommender_region, base.recommender_department) == (draft.recommender_region, None)
    assert listed(client_as(recommender_user), base)
    assert not listed(client_as(xiamen_recommender), base)
    assert not out_of_step().exists()


def test_a_base_recognised_on_a_department_recommendation_is_in_that_department_s_list_only(
    institution_user, batch, drive, recommender_user, client_as
):
    department = factories.DepartmentFactory(name="福建省卫生健康委员会")
    health = factories.RecommenderUserFactory(region=None, department=department)
    app = complete_draft(
        institution_user,
        batch,
        recommender_kind="department",
        recommender_region=None,
        recommender_department=department,
    )
    base = drive(app, State.APPROVED, recommender=health)
    base.refresh_from_db()
    assert (base.recommender_region, base.recommender_department) == (None, department)
    assert listed(client_as(health), base)
    # 福州市人社局: the institution's city, not its route
    assert not listed(client_as(recommender_user), base)
    assert not listed(
        client_as(factories.RecommenderUserFactory(region=None, department=factories.DepartmentFactory())), base
    )
    assert not out_of_step().exists()


def test_the_migration_gives_existing_bases_their_application_s_routing():
    department = factories.DepartmentFactory()
    by_city = factories.BaseFactory()
    by_department = factories.BaseFactory(
        application=factories.ApplicationFactory(
            state="approved", recommender_kind="department", recommender_region=None, recommender_department=department
        )
    )
    Base.objects.update(recommender_region=None, recommender_department=None)  # as before the migration
    assert out_of_step().count() == 2

    importlib.import_module("bases.migrations.0018_base_recommender").fill(apps, None)

    assert not out_of_step().exists()
    by_city.refresh_from_db()
    by_department.refresh_from_db()
    assert by_city.recommender_region == by_city.application.recommender_region is not None
    assert (by_department.recommender_region, by_department.recommender_department) == (None, department)


def test_the_admin_reroutes_neither_a_recognised_application_nor_its_base():
    request = RequestFactory().get("/")
    request.user = factories.UserFactory(is_staff=True, is_superuser=True)
    base = factories.BaseFactory()
    routing = {"recommender_kind", "recommender_region", "recommender_department"}
    applications = site._registry[Application]
    assert routing <= set(applications.get_readonly_fields(request, base.application))
    assert not routing & set(applications.get_readonly_fields(request, factories.ApplicationFactory()))
    assert {"recommender_region", "recommender_department"} <= set(
        site._registry[Base].get_readonly_fields(request, base)
    )
