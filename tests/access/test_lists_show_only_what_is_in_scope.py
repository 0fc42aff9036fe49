"""Lists obey the same scope as single records (SPEC 1): each role's list shows its own records and nothing else."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.helpers import client_as


def _page(client, w, role, url_name, **query):
    client_as(w.users[role], client)
    response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    return response.content.decode()


def _link(url_name, obj):
    return f'href="{reverse(url_name, args=[obj.pk])}"'


@pytest.mark.parametrize(
    "role, sees",
    [("institution_own", True), ("institution_other", False)],
)
def test_an_institution_lists_only_its_own_applications(client, world, role, sees):
    html = _page(client, world, role, "applications:mine")
    assert (_link("applications:detail", world.app) in html) is sees


def test_a_recommender_is_waiting_only_for_submitted_applications_routed_to_its_unit(client, world):
    own = _page(client, world, "recommender_own", "applications:recommender_queue")
    assert _link("applications:detail", world.app) in own
    assert _link("applications:detail", world.draft) not in own  # never submitted: not routed yet

    other = _page(client, world, "recommender_other", "applications:recommender_queue")
    assert _link("applications:detail", world.app) not in other


@pytest.mark.parametrize("state", ["draft", ""])
def test_a_recommender_cannot_list_drafts_even_by_filtering_for_them(client, world, state):
    html = _page(client, world, "recommender_own", "applications:recommender_queue", state=state)
    assert _link("applications:detail", world.draft) not in html


@pytest.mark.parametrize(
    "role, url_name, sees",
    [
        ("institution_own", "bases:mine", True),
        ("institution_other", "bases:mine", False),
        ("recommender_own", "bases:recommended", True),
        ("recommender_other", "bases:recommended", False),
        ("province", "bases:province_list", True),
    ],
)
def test_base_lists_show_only_the_bases_in_scope(client, world, role, url_name, sees):
    html = _page(client, world, role, url_name)
    assert (_link("bases:detail", world.base) in html) is sees


def test_an_inspector_lists_only_the_inspections_assigned_to_its_unit(client, world):
    html = _page(client, world, "inspector", "supervision:list")
    assert _link("supervision:detail", world.assigned_inspection) in html
    assert _link("supervision:detail", world.other_inspection) not in html


def test_an_expert_lists_only_its_own_seats_and_the_province_lists_every_seat(client, world):
    """Art. 26: the world's expert and another expert sit on the same panel."""
    mine = _page(client, world, "expert", "experts:assignments")
    assert _link("experts:assignment", world.seat) in mine
    assert _link("experts:assignment", world.other_seat) not in mine
    every = _page(client, world, "province", "experts:assignments")
    assert _link("experts:assignment", world.seat) in every and _link("experts:assignment", world.other_seat) in every


@pytest.mark.parametrize("role, sees", [("institution_own", True), ("institution_other", False)])
def test_change_filings_are_listed_only_to_their_base(client, world, role, sees):
    html = _page(client, world, role, "bases:change_list")
    assert (_link("bases:change_detail", world.change) in html) is sees


def test_a_department_routed_application_reaches_that_department_and_not_the_city(client, db):
    department = factories.DepartmentFactory(name="福建省卫生健康委员会")
    now = timezone.now()
    app = factories.ApplicationFactory(
        state="submitted",
        submitted_at=now,
        last_submitted_at=now,
        recommender_kind="department",
        recommender_region=None,
        recommender_department=department,
    )
    url = reverse("applications:detail", args=[app.pk])
    health = factories.RecommenderUserFactory(region=None, department=department)
    other_department = factories.RecommenderUserFactory(region=None, department=factories.DepartmentFactory())
    city = factories.RecommenderUserFactory(region=app.institution.region)  # the institution's own city

    client_as(health, client)
    assert client.get(url).status_code == 200
    for outsider in (other_department, city):
        client_as(outsider, client)
        assert client.get(url).status_code == 404


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, world):
    recommender = world.users["recommender_own"]
    client_as(recommender, client)
    url = reverse("applications:detail", args=[world.app.pk])
    assert client.get(url).status_code == 200
    recommender.is_active = False
    recommender.save(update_fields=["is_active"])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
