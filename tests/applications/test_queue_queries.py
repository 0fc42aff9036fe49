"""SPEC 5: every list page runs a fixed number of SQL queries whatever its length; Art. 8(2): priority
applicants come first in every review queue; the queues' filters narrow the list (never widen it)."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from tests import factories
from tests.helpers import assert_constant_queries, get_ok

pytestmark = pytest.mark.django_db

FUZHOU, XIAMEN = "350100", "350200"


def routed(n, *, state=State.SUBMITTED, batch=None, code=FUZHOU, department=None, **fields):
    """n applications in `state`, routed to a city's HR bureau (or a department), submitted one minute apart."""
    apps = []
    base = timezone.now() - timedelta(days=1)
    for i in range(n):
        institution = factories.InstitutionFactory(region=factories.region(code))
        kwargs = {
            "institution": institution,
            "state": state,
            "submitted_at": base,
            "last_submitted_at": base + timedelta(minutes=Application.objects.count() + i),
            **fields,
        }
        if batch is not None:
            kwargs["batch"] = batch
        if department is not None:
            kwargs.update(recommender_kind="department", recommender_region=None, recommender_department=department)
        apps.append(factories.ApplicationFactory(**kwargs))
    return apps


def listed_ids(response) -> list[int]:
    """The applications linked from a list page, in the order shown."""
    return [int(pk) for pk in re.findall(r'href="/applications/(\d+)/"', response.content.decode())]


def next_link(response) -> str:
    """The query string of the page's 下一页 link."""
    match = re.search(r'href="(\?[^"]*)">下一页</a>', response.content.decode())
    assert match, "the page has no 下一页 link"
    return html.unescape(match.group(1))


# -- a fixed number of queries ----------------------------------------------------------------------


# The pinned counts. Every page: session, user, the shell's unread badge. Queues: the keyset page's rows and
# its bounded count, the batch choices of the filter (province: also regions and departments). Mine: the
# institution, the three eligibility checks (bars, a base, an application in progress), open batches and
# the list. If one grows, a query has crept into a loop or a template.
PINNED = {"recommender": 6, "province": 8, "mine": 9, "batches": 5, "bars": 5}


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    """cached_db sessions skip the session query when Redis holds them: read them from the database so the
    pinned counts are the same on SQLite and on PostgreSQL + Redis."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture
def page_setup(institution_user, recommender_user, province_user, client_as, batch):
    """For each list page: who looks at it, its URL, and how to add n rows to it."""

    def add_mine(n):
        for _ in range(n):
            factories.ApplicationFactory(
                institution=institution_user.institution,
                created_by=institution_user,
                batch=batch,
                state=State.WITHDRAWN,
                recommender_region=institution_user.institution.region,
            )

    def add_batches(n):
        for _ in range(n):
            b = factories.BatchFactory()
            routed(1, batch=b, state=State.RECOMMENDED)

    def add_bars(n):
        for _ in range(n):
            factories.BarFactory(application=factories.ApplicationFactory(state=State.REJECTED))

    return {
        "recommender": (client_as(recommender_user), reverse("applications:recommender_queue"), lambda n: routed(n)),
        "province": (
            client_as(province_user),
            reverse("applications:province_queue"),
            lambda n: routed(n, state=State.RECOMMENDED),
        ),
        "mine": (client_as(institution_user), reverse("applications:mine"), add_mine),
        "batches": (client_as(province_user), reverse("applications:batches"), add_batches),
        "bars": (client_as(province_user), reverse("applications:bars"), add_bars),
    }


@pytest.mark.parametrize("name", ["recommender", "province", "mine", "batches", "bars"])
def test_list_page_runs_the_same_queries_with_5_and_with_50_rows(name, page_setup):
    client, url, add = page_setup[name]
    add(5)
    # warm: the session and content-type caches are filled first
    assert_constant_queries(lambda: get_ok(client, url), lambda: add(45), pinned=PINNED[name], warm=True)


def test_the_lists_really_show_their_rows(page_setup):
    client, url, add = page_setup["recommender"]
    add(25)
    page = client.get(url)
    first = listed_ids(page)
    second = listed_ids(client.get(url + next_link(page)))
    assert len(first) == 20 and len(second) == 5 and not set(first) & set(second)
    client, url, add = page_setup["mine"]
    add(3)
    assert len(listed_ids(client.get(url))) == 3


# -- priority first (Art. 8(2)) --------------------------------------------------------------------------


def test_recommender_queue_lists_priority_applicants_first(recommender_user, client_as):
    early = routed(2)
    city_base = routed(1, is_city_base=True, city_base_reference="榕人社〔2020〕1号")
    industry_base = routed(1, is_industry_base=True)
    response = client_as(recommender_user).get(reverse("applications:recommender_queue"))
    ids = listed_ids(response)
    assert ids == [city_base[0].pk, industry_base[0].pk, early[0].pk, early[1].pk]
    assert response.content.decode().count(">优先</span>") == 2


def test_province_queue_lists_priority_applicants_first(province_user, client_as):
    plain = routed(2, state=State.RECOMMENDED)
    priority = routed(1, state=State.UNDER_REVIEW, code=XIAMEN, is_city_base=True)
    ids = listed_ids(client_as(province_user).get(reverse("applications:province_queue")))
    assert ids == [priority[0].pk, plain[0].pk, plain[1].pk]


# -- filters ----------------------------------------------------------------------------------------------


@pytest.fixture
def spread(db):
    """Applications spread over batches, states, units and priority."""
    b1, b2 = factories.BatchFactory(name="一批"), factories.BatchFactory(name="二批")
    dept = factories.DepartmentFactory(name="福建省卫生健康委员会")
    (a,) = routed(1, batch=b1, state=State.RECOMMENDED)
    (b,) = routed(1, batch=b2, state=State.UNDER_REVIEW, code=XIAMEN, is_city_base=True)
    (c,) = routed(1, batch=b1, state=State.SITE_VISIT, department=dept)
    (d,) = routed(1, batch=b1, state=State.REJECTED)
    (e,) = routed(1, batch=b2, state=State.SUBMITTED)
    a.institution.name = "闽江继续教育学院"
    a.institution.save()
    return dict(a=a, b=b, c=c, d=d, e=e, b1=b1, b2=b2, dept=dept)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", "bac"),  # default: recommended, under review and site visit; priority first
        ("?batch={b1}", "ac"),
        ("?batch={b2}", "b"),
        ("?state=rejected", "d"),
        ("?state=submitted", "e"),
        ("?region={xiamen}", "b"),
        ("?region={fuzhou}", "a"),
        ("?department={dept}", "c"),
        ("?priority=on", "b"),
        ("?q=闽江", "a"),
        ("?q={code_c}", "c"),
        ("?batch={b1}&state=rejected", "d"),
    ],
)
def test_province_queue_filters(query, expected, spread, province_user, client_as):
    s = spread
    url = reverse("applications:province_queue") + query.format(
        b1=s["b1"].pk,
        b2=s["b2"].pk,
        xiamen=factories.region(XIAMEN).pk,
        fuzhou=factories.region(FUZHOU).pk,
        dept=s["dept"].pk,
        code_c=s["c"].institution.credit_code,
    )
    assert listed_ids(client_as(province_user).get(url)) == [s[k].pk for k in expected]


def test_recommender_queue_filters_and_never_widens_its_scope(recommender_user, client_as):
    b1, b2 = factories.BatchFactory(), factories.BatchFactory()
    (waiting,) = routed(1, batch=b1)
    (other_batch,) = routed(1, batch=b2)
    (done,) = routed(1, batch=b1, state=State.RECOMMENDED)
    (priority,) = routed(1, batch=b1, is_industry_base=True)
    (elsewhere,) = routed(1, batch=b1, code=XIAMEN)
    (never_submitted,) = routed(1, batch=b1, state=State.DRAFT, submitted_at=None, last_submitted_at=None)
    c = client_as(recommender_user)
    url = reverse("applications:recommender_queue")
    assert listed_ids(c.get(url)) == [priority.pk, waiting.pk, other_batch.pk]
    assert listed_ids(c.get(f"{url}?batch={b1.pk}")) == [priority.pk, waiting.pk]
    assert listed_ids(c.get(f"{url}?state=recommended")) == [done.pk]
    assert listed_ids(c.get(f"{url}?priority=on")) == [priority.pk]
    assert listed_ids(c.get(f"{url}?q={waiting.institution.name}")) == [waiting.pk]
    # a unit filter is not offered to a recommender and cannot reach another unit's applications
    assert listed_ids(c.get(f"{url}?region={factories.region(XIAMEN).pk}")) == [priority.pk, waiting.pk, other_batch.pk]
    assert elsewhere.pk not in listed_ids(c.get(f"{url}?q={elsewhere.institution.name}"))
    assert never_submitted.pk not in listed_ids(c.get(f"{url}?state=draft"))
