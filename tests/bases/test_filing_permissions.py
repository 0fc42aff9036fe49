"""SPEC 1: authorisation per object. An institution sees only its own bases' filings, a recommender only
those of bases from applications routed to its unit, an inspector none; anything else answers 404 (not
403); the anonymous are sent to sign in. The matrix is data, checked against the URL list."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import get_resolver, reverse

from bases.models import AnnualFiling, FilingState
from tests import factories

from .conftest import XIAMEN, at, complete_filing, filing_post, html, make_base

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "institution_own",
    "institution_other",
    "recommender_routed",
    "recommender_other",
    "inspector",
    "province",
]


@pytest.fixture
def w(db, clock):
    clock(at(2026, 12, 10))
    w = SimpleNamespace()
    w.base = make_base(recognised_on=date(2024, 6, 1))  # 福州, routed to 福州市人社局
    w.submitted = complete_filing(w.base, year=2025, state="submitted")
    w.draft = factories.AnnualFilingFactory(base=w.base, year=2026)
    w.other_base = make_base(code=XIAMEN)  # another institution, routed to 厦门市人社局
    w.users = {
        "anonymous": None,
        "institution_own": w.base.staff,
        "institution_other": w.other_base.staff,
        "recommender_routed": factories.RecommenderUserFactory(),
        "recommender_other": factories.RecommenderUserFactory(region=factories.region(XIAMEN)),
        "inspector": factories.InspectorUserFactory(),
        "province": factories.UserFactory(role="province"),
    }
    return w


def only(status, *roles, anonymous=302, others=404):
    """`status` for the listed roles, a redirect to sign in for the anonymous, 404 for everyone else."""
    return {role: status if role in roles else (anonymous if role == "anonymous" else others) for role in ROLES}


# URL name -> (method, kwargs, expected status per role)
MATRIX = {
    "filings": ("get", lambda w: {}, only(200, "institution_own", "institution_other")),
    "filing_start": ("post", lambda w: {"base_pk": w.base.pk, "year": 2026}, only(302, "institution_own")),
    "filing_edit": ("get", lambda w: {"pk": w.draft.pk}, only(200, "institution_own")),
    "filing_detail": (
        "get",
        lambda w: {"pk": w.submitted.pk},
        only(200, "institution_own", "recommender_routed", "province"),
    ),
    "filing_act": ("post", lambda w: {"pk": w.submitted.pk, "action": "accept"}, only(302, "province")),
    "filing_queue": ("get", lambda w: {}, only(200, "province")),
    "filing_overview": ("get", lambda w: {}, only(200, "province")),
    # posted empty: the province gets the queue back with the form's message
    "filing_tolerance": ("post", lambda w: {}, only(400, "province")),
}


def test_every_filing_url_has_a_row_in_the_matrix():
    names = {
        p.name
        for p in get_resolver().url_patterns
        if getattr(p, "namespace", None) == "bases"
        for p in p.url_patterns
        if p.name and p.name.startswith("filing")
    }
    assert names == set(MATRIX)


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.parametrize("name, role", CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_filing_url_answers_each_role_as_the_matrix_says(name, role, w, client_as):
    method, kwargs, expected = MATRIX[name]
    client = client_as(w.users[role])
    url = reverse(f"bases:{name}", kwargs=kwargs(w))
    before = list(AnnualFiling.objects.order_by("pk").values_list("pk", "state"))
    data = {"expected_state": "submitted"} if name == "filing_act" else {}
    response = getattr(client, method)(url, data)
    assert response.status_code == expected[role], f"{role} on {name}"
    if role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"
    if expected[role] == 404 or role == "anonymous":
        # Refused: nothing stored changed.
        assert list(AnnualFiling.objects.order_by("pk").values_list("pk", "state")) == before


def test_the_state_changing_urls_refuse_get(w, client_as):
    client = client_as(w.users["institution_own"])
    assert client.get(reverse("bases:filing_start", args=[w.base.pk, 2026])).status_code == 405
    client_as(w.users["province"], client)
    assert client.get(reverse("bases:filing_act", args=[w.submitted.pk, "accept"])).status_code == 405


def test_another_institution_cannot_save_over_a_filing(w, client_as):
    client = client_as(w.users["institution_other"])
    response = client.post(
        reverse("bases:filing_edit", args=[w.draft.pk]), filing_post("draft", plan_execution="别人写的")
    )
    assert response.status_code == 404
    w.draft.refresh_from_db()
    assert w.draft.plan_execution == ""


def test_an_institution_lists_only_its_own_filings(w, client_as):
    client = client_as(w.users["institution_other"])
    page = html(client.get(reverse("bases:filings")))
    assert reverse("bases:filing_detail", args=[w.submitted.pk]) not in page
    assert w.base.name not in page
    assert reverse("bases:filing_start", args=[w.other_base.pk, 2026]) in page


def test_a_department_recommender_sees_the_filings_of_bases_routed_to_its_department(clock, client_as):
    """Routing, not the institution's city, decides: a 福州 institution routed to a department."""
    clock(at(2026, 12, 10))
    department = factories.DepartmentFactory(name="福建省卫生健康委员会")
    institution = factories.InstitutionFactory()
    user = factories.InstitutionUserFactory(institution=institution)
    application = factories.ApplicationFactory(
        institution=institution,
        created_by=user,
        state="approved",
        recommender_kind="department",
        recommender_region=None,
        recommender_department=department,
    )
    base = factories.BaseFactory(application=application, recognised_on=date(2025, 7, 1), year=2025)
    filing = complete_filing(base, state=FilingState.SUBMITTED)
    url = reverse("bases:filing_detail", args=[filing.pk])

    assert client_as(factories.RecommenderUserFactory(region=None, department=department)).get(url).status_code == 200
    other_department = factories.RecommenderUserFactory(region=None, department=factories.DepartmentFactory())
    assert client_as(other_department).get(url).status_code == 404
    same_city = factories.RecommenderUserFactory()  # 福州市人社局: the institution's city, not its route
    assert client_as(same_city).get(url).status_code == 404


def test_a_recommender_sees_the_filing_but_has_no_action_on_it(w, client_as):
    client = client_as(w.users["recommender_routed"])
    page = html(client.get(reverse("bases:filing_detail", args=[w.submitted.pk])))
    assert "予以备案" not in page and reverse("bases:filing_act", args=[w.submitted.pk, "return"]) not in page
    assert reverse("bases:filing_edit", args=[w.submitted.pk]) not in page
