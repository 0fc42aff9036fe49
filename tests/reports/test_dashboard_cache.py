"""The dashboard's figures are cached per scope and day under a generation number that triggers in the database
renew in every transaction that writes a table behind them (reports/models.py, migration 0001): a cached
dashboard costs one query whatever the data's size, and it is never read after any kind of write changed the
figures, whatever the path of the write (workflow.perform, a queryset's update(), a many-to-many add, a delete).

These tests commit their writes (transactional), as requests do; the other report tests run inside one
transaction that writes, so they count afresh each time (`generation()` is None there)."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import InstitutionKind, Role, TrainingField
from applications import services as application_services
from applications.models import BarKind, State
from bases.models import AnnualFiling, BaseStatus
from reports import selectors
from supervision.models import RectificationOrder
from tests import factories
from tests.helpers import count_queries, get_ok

from . import build
from .build import FUZHOU, TODAY, XIAMEN

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def cached(user):
    """The dashboard as a request reads it, after making sure a second read is served from the cache."""
    first = selectors.dashboard(user, TODAY)
    queries, again = count_queries(lambda: selectors.dashboard(user, TODAY))
    assert queries == 1, "a second read at the same generation is one query (the generation's number)"
    assert again == first
    return again


def assert_exact(users, before):
    """Each user's dashboard, read through the cache, equals a count from scratch, and the last write changed it."""
    now = {}
    for name, user in users.items():
        now[name] = cached(user)
        assert now[name] == selectors.count_dashboard(user, TODAY), f"{name}: the cache serves stale figures"
    assert any(now[name] != before[name] for name in users), "the event should have changed a figure"
    return now


def test_after_each_kind_of_event_the_cached_dashboard_equals_a_count_from_scratch():
    province = factories.UserFactory(role=Role.PROVINCE)
    recommender = factories.RecommenderUserFactory(region=factories.region(FUZHOU))
    users = {"province": province, "recommender": recommender}
    batch = build.closed_batch("2024年认定批次", year=2024)
    build.base("厦门基地01号", code=XIAMEN, batch=batch)
    seen = {name: cached(user) for name, user in users.items()}

    # a base recognised (an institution, its approved application and the base, in one go)
    first = build.base(
        "福州基地01号", batch=batch, recognised_on=date(2020, 3, 1), next_inspection_due=TODAY + timedelta(days=30)
    )
    seen = assert_exact(users, seen)
    assert seen["recommender"].by_status[0][1] == 1

    # an application filed, then recommended through the workflow (core.workflow.perform)
    app = build.application("福州申报01号", state=State.SUBMITTED, batch=batch)
    seen = assert_exact(users, seen)
    application_services.transition(actor=recommender, application_id=app.pk, action="recommend")
    seen = assert_exact(users, seen)
    assert dict((row[0], row[3]) for row in seen["recommender"].funnel)["2024年认定批次"] == 2

    # a base's status changed by a queryset's update(), which no signal sees
    type(first).objects.filter(pk=first.pk).update(status=BaseStatus.RECTIFYING)
    seen = assert_exact(users, seen)

    # an annual filing, an inspection, a rectification ordered then deleted
    build.filing(first, 2024, 300)
    seen = assert_exact(users, seen)
    build.inspection(first, on=date(2025, 1, 10))
    seen = assert_exact(users, seen)
    assert seen["recommender"].coverage["covered"] == 1
    order = build.order(first)
    seen = assert_exact(users, seen)
    RectificationOrder.objects.filter(pk=order.pk).delete()
    seen = assert_exact(users, seen)

    # a bar (the province's figure), a field added to a base (a many-to-many row), a kind renamed
    build.bar("受限机构", kind=BarKind.FRAUD, starts_on=date(2025, 1, 1), last_day=None)
    seen = assert_exact(users, seen)
    field = TrainingField.objects.create(name="测试领域", order=99)
    seen = assert_exact(users, seen)
    first.training_fields.add(field)
    seen = assert_exact(users, seen)
    assert ("测试领域", 1, False) in seen["recommender"].by_field
    kind = InstitutionKind.objects.get(code=first.institution_type_id)
    InstitutionKind.objects.filter(pk=kind.pk).update(name="改名后的类型")
    seen = assert_exact(users, seen)

    # a filing's figures corrected in place
    AnnualFiling.objects.filter(base=first).update(trained_total=1500)
    seen = assert_exact(users, seen)
    assert seen["province"].under_target == []


def test_a_transaction_that_wrote_sees_its_own_rows_and_caches_nothing():
    province = factories.UserFactory(role=Role.PROVINCE)
    build.base("福州基地01号")
    before = cached(province)

    with transaction.atomic():
        build.base("福州基地02号")
        assert selectors.generation() is None  # this transaction wrote: its rows are not in the committed number
        inside = selectors.dashboard(province, TODAY)
        assert inside.by_status[0][1] == 2
        transaction.set_rollback(True)

    assert cached(province) == before  # what the rolled-back transaction counted was never cached


def test_a_cached_dashboard_is_one_query_with_5_and_with_50_bases():
    province = factories.UserFactory(role=Role.PROVINCE)
    recommender = factories.RecommenderUserFactory(region=factories.region(FUZHOU))
    batch = build.closed_batch("2024年认定批次", year=2024)

    def grow(n, start):
        for i in range(start, start + n):
            build.base(f"增长基地{i:03d}号", code=FUZHOU if i % 2 else XIAMEN, batch=batch)
            build.application(f"增长申报{i:03d}号", code=FUZHOU if i % 2 else XIAMEN, batch=batch)

    grow(5, 0)
    selectors.region_names()  # the ten cities are cached on their own (reference data)
    for user in (province, recommender):
        counted, _ = count_queries(lambda user=user: selectors.dashboard(user, TODAY))
        assert counted == 1 + {province: 10, recommender: 9}[user]  # the generation, then the figures counted
        assert count_queries(lambda user=user: selectors.dashboard(user, TODAY))[0] == 1
    grow(45, 5)
    for user in (province, recommender):
        assert count_queries(lambda user=user: selectors.dashboard(user, TODAY))[0] > 1  # renewed: counted again
        assert count_queries(lambda user=user: selectors.dashboard(user, TODAY))[0] == 1
    assert sum(n for _, n in cached(province).by_status) == 50
    assert sum(n for _, n in cached(recommender).by_status) == 25


def test_each_scope_and_each_day_has_its_own_figures():
    province = factories.UserFactory(role=Role.PROVINCE)
    fuzhou = factories.RecommenderUserFactory(region=factories.region(FUZHOU))
    xiamen = factories.RecommenderUserFactory(region=factories.region(XIAMEN))
    build.base("福州基地01号", next_inspection_due=TODAY + timedelta(days=10))
    build.base("厦门基地01号", code=XIAMEN)
    build.base("厦门基地02号", code=XIAMEN)

    counts = {name: sum(n for _, n in cached(user).by_status) for name, user in [("p", province), ("f", fuzhou)]}
    counts["x"] = sum(n for _, n in cached(xiamen).by_status)
    assert counts == {"p": 3, "f": 1, "x": 2}
    assert cached(province).bars is not None and selectors.scope_key(fuzhou) != selectors.scope_key(xiamen)
    # the next day's clock is counted for that day, not served from today's entry
    later = TODAY + timedelta(days=20)
    assert selectors.dashboard(fuzhou, later).overdue == selectors.count_dashboard(fuzhou, later).overdue
    assert [row[0] for row in selectors.dashboard(fuzhou, later).overdue] == ["福州基地01号"]
    assert selectors.dashboard(fuzhou, TODAY).overdue == []


def test_the_page_renders_its_figures_once_per_generation_and_shows_each_change(client_as):
    province = factories.UserFactory(role=Role.PROVINCE)
    build.base("福州基地01号", next_inspection_due=TODAY + timedelta(days=10))
    client = client_as(province)
    url = reverse("reports:dashboard")
    assert "福州基地01号" in get_ok(client, url).content.decode()  # counted, rendered and cached

    with CaptureQueriesContext(connection) as ctx:
        page = get_ok(client, url).content.decode()
    assert "福州基地01号" in page
    counted = [q["sql"] for q in ctx.captured_queries if "bases_base" in q["sql"] or "applications_" in q["sql"]]
    assert counted == [], "a page at the same generation counts nothing again"
    assert sum("reports_generation" in q["sql"] for q in ctx.captured_queries) == 1

    build.base("福州基地02号", next_inspection_due=TODAY + timedelta(days=20))
    page = get_ok(client, url).content.decode()
    assert "福州基地01号" in page and "福州基地02号" in page
    assert "福州基地02号" in get_ok(client_as(factories.RecommenderUserFactory()), url).content.decode()
