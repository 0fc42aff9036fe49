"""`seed_scale --scale N` (issue 20, target 4): every count times N, inserted in chunks with the history rows of each
chunk written from the rows just inserted; consistent data (every base has its approved application, valid register
numbers, history and timelines, inboxes of the province and each city's recommender); a second run adds nothing.
The province's sizes are shrunk here (scale_province.ONE), and the chunks too, so that several chunks run."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Min
from django.utils import timezone

from accounts.models import Institution, Region, Role, User
from applications.models import Application, ApplicationDocument, ApplicationPerson, State
from bases.models import AnnualFiling, Base, RegisterSequence
from core.models import Notification, TimelineEvent
from portal import scale_province
from portal.scale_province import PREFIX, Sizes
from supervision.models import Inspection, InspectionItem, Item

pytestmark = pytest.mark.django_db

SMALL = Sizes(
    institutions=30,
    bases=10,
    applications=100,
    filings=60,
    inspections=30,
    province_notifications=10,
    recommender_notifications=2,
)


@pytest.fixture(autouse=True)
def small(monkeypatch):
    monkeypatch.setattr(scale_province, "ONE", SMALL)
    monkeypatch.setattr(scale_province, "CHUNK", 7)  # several chunks of every part, and a short last one


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", stdout=out, participants=0, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    apps = Application.objects.filter(institution__name__startswith=PREFIX)
    bases = Base.objects.filter(name__startswith=PREFIX)
    return {
        "institutions": Institution.objects.filter(name__startswith=PREFIX).count(),
        "applications": apps.count(),
        "bases": bases.count(),
        "filings": AnnualFiling.objects.filter(base__in=bases).count(),
        "inspections": Inspection.objects.filter(base__in=bases).count(),
        "documents": ApplicationDocument.objects.filter(application__in=apps).count(),
        "notifications": Notification.objects.filter(title__contains=PREFIX).count(),
    }


def test_scale_one_seeds_consistent_data_with_history_timelines_and_inboxes(postgres):
    output = seed()
    assert "规模数据已生成" in output and "内存峰值" in output
    assert counts() == {
        "institutions": 30,
        "applications": 100,
        "bases": 10,
        "filings": 60,
        "inspections": 30,
        "documents": 200,
        "notifications": counts()["notifications"],
    }
    apps = Application.objects.filter(institution__name__startswith=PREFIX)
    bases = Base.objects.filter(name__startswith=PREFIX).select_related("application")
    for base in bases:  # every base has its approved application, of its own institution
        assert base.application.state == State.APPROVED
        assert base.application.institution_id == base.institution_id
        # the unit that recommended it, as recognition stores it (bases.services.create_base)
        assert (base.recommender_region_id, base.recommender_department_id) == (
            base.application.recommender_region_id,
            base.application.recommender_department_id,
        )
        assert base.register_number == Base.format_number(base.year, base.sequence)
        assert base.recognised_on <= timezone.localdate()
        assert RegisterSequence.objects.get(year=base.year).last >= base.sequence
        assert ApplicationPerson.objects.filter(application=base.application).count() == scale_province.MANAGERS
    assert apps.filter(state=State.APPROVED).count() == 10  # only the bases' applications are approved
    assert len(set(apps.values_list("state", flat=True))) == len(State)  # the other states all occur
    assert InspectionItem.objects.filter(inspection__base__in=bases).count() == 30 * len(Item)

    # history: the creation and three edits of each application, from its author, in order since its creation
    history = Application.history.filter(id__in=apps.values("id"))
    assert Counter(history.values_list("history_type", flat=True)) == {"+": 100, "~": 300}
    for app in apps:
        rows = list(history.filter(id=app.pk).order_by("history_date"))
        assert [r.history_type for r in rows] == ["+", "~", "~", "~"]
        assert rows[0].history_date == app.created_at and rows[-1].history_date <= timezone.now()
        assert {r.history_user_id for r in rows} == {app.created_by_id}
        assert {r.state for r in rows} == {app.state}
    # one creation row for every row of the other tracked models
    for model, rows in (
        (Institution, Institution.objects.filter(name__startswith=PREFIX)),
        (User, User.objects.filter(institution__name__startswith=PREFIX)),
        (Base, bases),
        (AnnualFiling, AnnualFiling.objects.filter(base__in=bases)),
        (Inspection, Inspection.objects.filter(base__in=bases)),
    ):
        ids = set(rows.values_list("id", flat=True))
        assert ids and set(model.history.filter(history_type="+").values_list("id", flat=True)) >= ids, model
        assert model.history.filter(id__in=ids).count() == len(ids), model

    # a timeline from the creation for every application
    events = TimelineEvent.objects.filter(object_id__in=apps.values("id"), action="create")
    assert events.count() == 100
    assert not apps.exclude(state=State.DRAFT).filter(submitted_at=None).exists()

    # the inboxes the benchmarks open: the first province user's, and each city's first recommender's
    province = User.objects.filter(role=Role.PROVINCE).first()
    inbox = Notification.objects.filter(recipient=province)
    assert inbox.count() == 10 and inbox.filter(read_at=None).exists() and inbox.exclude(read_at=None).exists()
    assert inbox.aggregate(Min("created_at"))["created_at__min"] < timezone.now() - timezone.timedelta(days=2)
    for region in Region.objects.all():
        recommender = User.objects.filter(role=Role.RECOMMENDER, region=region).first()
        assert recommender is not None
    cities = (
        Notification.objects.filter(recipient__role=Role.RECOMMENDER)
        .values("recipient")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert cities and min(cities) >= 1


def test_counts_grow_with_the_scale():
    seed(scale=2)
    grown = counts()
    assert {k: v for k, v in grown.items() if k != "notifications"} == {
        "institutions": 60,
        "applications": 200,
        "bases": 20,
        "filings": 120,
        "inspections": 60,
        "documents": 400,
    }
    assert Notification.objects.filter(recipient=User.objects.filter(role=Role.PROVINCE).first()).count() == 20
    assert Application.history.filter(history_type="~").count() == 600


def test_a_second_run_skips_and_adds_nothing():
    seed()
    before = counts(), Application.history.count(), TimelineEvent.objects.count()
    assert "规模数据已存在，跳过。" in seed()
    assert (counts(), Application.history.count(), TimelineEvent.objects.count()) == before


def test_the_scale_is_a_whole_number_of_at_least_one():
    with pytest.raises(CommandError, match="不小于 1"):
        seed(scale=0)
    assert counts()["institutions"] == 0
