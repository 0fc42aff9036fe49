"""Task allocation (Art. 13, 14, 19, 21, 22): the province sets the year's weights and programmes; live bases
apply in their fields; the proposal scores each base in six visible parts and shares each quota by largest
remainder; the province adjusts within the quota, decides (文号) and publishes; bases report delivery, and
the completion rate feeds next year's score. Bad input is refused with the reason and nothing half-saved."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bases.models import Announcement, AnnouncementKind
from core.errors import RuleViolation
from core.models import Decision, DecisionKind, Notification
from steering import services
from steering.models import AllocationRound, Programme, ProgrammeKind, RoundState, Share
from steering.scoring import largest_remainder
from supervision.models import Inspection
from tests import factories
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

WEIGHTS = {"inspection": 30, "commendation": 10, "completion": 20, "duty": 15, "field": 15, "region": 10}
YEAR = timezone.localdate().year + 1


def base_of(user=None, *, region="350100", fields=("工程技术",), **extra):
    institution = user.institution if user else factories.InstitutionFactory(region=factories.region(region))
    app = factories.ApplicationFactory(institution=institution, state="approved")
    base = factories.BaseFactory(application=app, region=factories.region(region), published_at=timezone.now(), **extra)
    base.training_fields.set([factories.field(name) for name in fields])
    return base


@pytest.fixture
def round_(province_user):
    return services.open_round(actor=province_user, year=YEAR, weights=WEIGHTS)


def programme(round_, province_user, *, quota=10, field="工程技术", regions=()):
    return services.save_programme(
        actor=province_user,
        round_=round_,
        name=f"{field or '公需'}高级研修班",
        kind=ProgrammeKind.ADVANCED,
        field=factories.field(field) if field else None,
        unit="places",
        quota=quota,
        budget=Decimal("12.5"),
        target_regions=[factories.region(code) for code in regions],
    )


def test_art21_weights_that_do_not_add_up_to_100_are_refused_and_nothing_saved(province_user, client_as):
    with pytest.raises(RuleViolation, match="合计应为100，现为90"):
        services.open_round(actor=province_user, year=YEAR, weights={**WEIGHTS, "region": 0})
    assert not AllocationRound.objects.exists()
    page = client_as(province_user).post(
        reverse("steering:rounds"), {"year": YEAR, **{f"w_{k}": v for k, v in WEIGHTS.items()}, "w_duty": "25"}
    )
    assert "各项权重合计应为100，现为110" in visible_text(page)
    assert 'value="25"' in page.content.decode()  # what was typed is kept
    assert not AllocationRound.objects.exists()


def test_art13_a_quota_below_zero_is_refused_at_the_field(round_, province_user, client_as):
    with pytest.raises(RuleViolation, match="任务总量不能小于0"):
        programme(round_, province_user, quota=-1)
    page = client_as(province_user).post(
        reverse("steering:round", args=[YEAR]),
        {"programme": "1", "p-name": "公需科目", "p-kind": "public", "p-unit": "places", "p-quota": "-5"},
    )
    assert "任务总量不能小于0" in visible_text(page)
    assert not Programme.objects.exists()


def test_art13_a_live_base_applies_in_its_fields_only(round_, province_user, institution_user, client_as):
    engineering = programme(round_, province_user, field="工程技术")
    health = programme(round_, province_user, field="卫生健康")
    open_to_all = programme(round_, province_user, field=None)
    base = base_of(institution_user, fields=("工程技术",))
    page = client_as(institution_user).get(reverse("steering:mine")).content.decode()
    offered = set(re.findall(r'action="/steering/programmes/(\d+)/apply/"', page))
    assert offered == {str(engineering.pk), str(open_to_all.pk)}  # the health programme is not in its fields
    services.apply(actor=institution_user, programme=engineering, base=base)
    services.apply(actor=institution_user, programme=open_to_all, base=base)
    with pytest.raises(RuleViolation, match="不在贵基地的培训领域内"):
        services.apply(actor=institution_user, programme=health, base=base)
    with pytest.raises(RuleViolation, match="已申请"):
        services.apply(actor=institution_user, programme=engineering, base=base)
    assert Share.objects.filter(base=base).count() == 2
    assert Notification.objects.filter(title="基地申请承担省级培训项目").exists()


def test_art21_22_14_the_score_shows_each_part_and_the_quota_is_shared_by_largest_remainder(round_, province_user):
    p = programme(round_, province_user, quota=10, regions=("350700",))
    strong = base_of(region="350700", commended_at=timezone.now() - timedelta(days=30))
    Inspection.objects.create(
        base=strong,
        kind="periodic",
        state="confirmed",
        scheduled_on=date(2026, 1, 5),
        result="excellent",
        confirmed_at=timezone.now(),
        created_by=province_user,
    )
    factories.AnnualFilingFactory(base=strong, year=2025, trained_total=1500, priority_area_trainees=300)
    factories.TeacherFactory(base=strong, fields="工程技术")
    weak = base_of(region="350100")
    factories.AnnualFilingFactory(base=weak, year=2025, trained_total=500, priority_area_trainees=100)
    factories.TeacherFactory(base=weak, fields="卫生健康")
    factories.TeacherFactory(base=weak, fields="工程技术、建筑")
    for base in (strong, weak):
        Share.objects.create(programme=p, base=base, applied_by=province_user)

    assert services.propose(actor=province_user, round_=round_) == 2
    s, w = Share.objects.get(base=strong), Share.objects.get(base=weak)
    assert s.parts == {
        "inspection": 100,
        "commendation": 100,
        "completion": 50,
        "duty": 100,
        "field": 100,
        "region": 100,
    }
    assert w.parts == {"inspection": 50, "commendation": 0, "completion": 50, "duty": 50, "field": 50, "region": 20}
    assert s.score == Decimal("90.00")  # 30 + 10 + 10 + 15 + 15 + 10
    assert w.score == Decimal("42.00")  # 15 + 0 + 10 + 7.5 + 7.5 + 2
    assert (s.proposed, w.proposed) == (7, 3) and s.allocated == s.proposed  # 6.82 → 7, 3.18 → 3


def test_largest_remainder_gives_the_leftover_units_to_the_largest_remainders():
    assert largest_remainder(10, [("a", Decimal(1)), ("b", Decimal(1)), ("c", Decimal(1))]) == {"a": 4, "b": 3, "c": 3}
    assert largest_remainder(7, [("a", Decimal(50)), ("b", Decimal(30)), ("c", Decimal(20))]) == {
        "a": 4,
        "b": 2,
        "c": 1,
    }
    assert largest_remainder(0, [("a", Decimal(5))]) == {"a": 0}
    assert sum(largest_remainder(101, [(n, Decimal(n + 1)) for n in range(17)]).values()) == 101


def test_art13_an_adjustment_beyond_the_quota_or_below_zero_is_refused_and_nothing_saved(
    round_, province_user, client_as
):
    p = programme(round_, province_user, quota=10)
    a, b = (Share.objects.create(programme=p, base=base_of(), applied_by=province_user) for _ in range(2))
    services.propose(actor=province_user, round_=round_)
    client = client_as(province_user)
    page = client.post(
        reverse("steering:round", args=[YEAR]), {"adjust": "1", f"share-{a.pk}": "8", f"share-{b.pk}": "5"}
    )
    assert "分配合计13，超过任务总量10" in visible_text(page)
    page = client.post(
        reverse("steering:round", args=[YEAR]), {"adjust": "1", f"share-{a.pk}": "-1", f"share-{b.pk}": "5"}
    )
    assert "分配数不能小于0" in visible_text(page)
    assert sorted(Share.objects.values_list("allocated", flat=True)) == [5, 5]  # the proposal, untouched
    assert (
        client.post(
            reverse("steering:round", args=[YEAR]), {"adjust": "1", f"share-{a.pk}": "9", f"share-{b.pk}": "1"}
        ).status_code
        == 302
    )
    assert sorted(Share.objects.values_list("allocated", flat=True)) == [1, 9]


def test_art21_22_decided_with_a_number_published_delivered_and_fed_into_next_year(
    round_, province_user, institution_user, client_as
):
    p = programme(round_, province_user, quota=20)
    base = base_of(institution_user)
    share = services.apply(actor=institution_user, programme=p, base=base)
    province = client_as(province_user)
    assert province.post(reverse("steering:confirm", args=[YEAR])).status_code == 302
    assert AllocationRound.objects.get().state == RoundState.DRAFT  # refused: no proposal yet
    services.propose(actor=province_user, round_=round_)
    assert province.post(reverse("steering:confirm", args=[YEAR])).status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.CONFIRMED
    decision = Decision.objects.get(kind=DecisionKind.ALLOCATION)
    assert round_.decision == decision and base.name in decision.body and "20人次" in decision.body
    assert Notification.objects.filter(recipient=institution_user, title__contains="培训任务分配已确定").exists()

    assert province.post(reverse("steering:publish", args=[YEAR])).status_code == 302
    announcement = Announcement.objects.get(kind=AnnouncementKind.ALLOCATION)
    assert announcement.number == decision.number and base in announcement.bases.all()

    institution = client_as(institution_user)
    assert institution.post(reverse("steering:deliver", args=[share.pk]), {"delivered": "15"}).status_code == 302
    share.refresh_from_db()
    assert (share.delivered, share.completion) == (15, 75)
    assert "15人次（75%）" in visible_text(institution.get(reverse("steering:mine")))

    # next year: the completion part is what the base delivered of what it was given
    later = services.open_round(actor=province_user, year=YEAR + 1, weights=WEIGHTS)
    services.apply(actor=institution_user, programme=programme(later, province_user), base=base)
    services.propose(actor=province_user, round_=later)
    assert Share.objects.get(programme__round=later).parts["completion"] == 75


def test_a_base_reports_only_its_own_tasks_and_never_sees_the_province_pages(
    round_, province_user, institution_user, other_institution_user, client_as
):
    p = programme(round_, province_user)
    share = services.apply(actor=institution_user, programme=p, base=base_of(institution_user))
    other = client_as(other_institution_user)
    assert other.post(reverse("steering:deliver", args=[share.pk]), {"delivered": "3"}).status_code == 404
    assert other.get(reverse("steering:round", args=[YEAR])).status_code == 404
    assert client_as(institution_user).get(reverse("steering:rounds")).status_code == 404


def test_the_year_page_runs_the_same_queries_with_5_and_50_applications(round_, province_user, client_as):
    p = programme(round_, province_user, quota=100)
    client = client_as(province_user)

    def count():
        services.propose(actor=province_user, round_=round_)
        client.get(reverse("steering:round", args=[YEAR]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("steering:round", args=[YEAR])).status_code == 200
        return len(queries)

    for _ in range(5):
        Share.objects.create(programme=p, base=base_of(), applied_by=province_user)
    few = count()
    for _ in range(45):
        Share.objects.create(programme=p, base=base_of(), applied_by=province_user)
    assert count() == few
