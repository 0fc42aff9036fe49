"""Art. 20: every base is inspected on site at least once in 3 years. The portal proposes a three-year plan from
each base's due date and each commissioned unit's monthly capacity (earliest deadline first, never a unit of the
base's own city, the load spread), lists the bases it cannot fit and why; the province moves bases (refused when
a unit is double-booked beyond its capacity, a base falls after its due date or in its own city) and accepts the
plan, which schedules the inspections through the inspection service, with its notifications."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import RuleViolation
from supervision import services
from supervision.models import Inspection, InspectionKind, InspectionState, PlannedInspection, PlanState
from supervision.services.plans import SAME_CITY_ONLY, SUSPENDED, Candidate, Unit, fit
from tests import factories
from tests.helpers import visible_text

from .conftest import FUZHOU, NANPING, QUANZHOU, XIAMEN, ZHANGZHOU, at, base_in, new_notifications, schedule

TODAY = (2026, 3, 10, 10, 0)


@pytest.fixture(autouse=True)
def frozen():
    with at(*TODAY):
        yield


def unit(code, per_month, name=None, staff=False):
    u = factories.InspectorUnitFactory(region=factories.region(code), **({"name": name} if name else {}))
    if per_month is not None:
        services.set_capacity(actor=factories.UserFactory(role="province"), unit_id=u.pk, per_month=per_month)
    if staff:
        factories.InspectorUserFactory(inspector_unit=u)
    return u


def due(code, on, name, **fields):
    return base_in(code, next_inspection_due=on, name=name, **fields)


def entries(plan):
    return {e.base.name: e for e in plan.entries.select_related("base__region", "unit")}


def test_art20_the_plan_fits_every_base_before_its_due_date_with_the_load_spread(province_user, client_as):
    quanzhou, zhangzhou = unit(QUANZHOU, 2, "泉州评估中心"), unit(ZHANGZHOU, 2, "漳州评估中心")
    bases = [
        due(FUZHOU, date(2026, 3, 31), "榕城基地甲"),
        due(FUZHOU, date(2026, 4, 30), "榕城基地乙"),
        due(XIAMEN, date(2026, 4, 30), "鹭岛基地丙"),
        due(XIAMEN, date(2027, 12, 31), "鹭岛基地丁"),
        due(QUANZHOU, date(2028, 6, 30), "泉州基地戊"),
        due(ZHANGZHOU, date(2029, 1, 31), "漳州基地己"),
    ]
    plan = services.propose_plan(actor=province_user)
    assert (plan.starts_on, plan.months, plan.state) == (date(2026, 3, 1), 36, PlanState.DRAFT)
    rows = entries(plan)
    assert len(rows) == len(bases) and all(e.placed for e in rows.values())
    for e in rows.values():
        assert e.month <= e.due_on, e.base.name  # before its due date
        assert e.unit.region_id != e.base.region_id, e.base.name  # never a unit of its own city
    assert rows["泉州基地戊"].unit == zhangzhou and rows["漳州基地己"].unit == quanzhou
    # spread over the months, each base near its due date
    per_month = {}
    for e in rows.values():
        per_month[e.month] = per_month.get(e.month, 0) + 1
    assert max(per_month.values()) <= 2 and len(per_month) == 5
    assert {e.unit for e in rows.values()} == {quanzhou, zhangzhou}

    page = client_as(province_user).get(reverse("supervision:plan", args=[plan.pk]))
    text = visible_text(page)
    assert "未能安排的基地：无" in text
    assert "2026年3月（1家）" in text and "2026年4月（2家）" in text and "2029年1月（1家）" in text


def test_art20_a_plan_that_cannot_fit_every_base_names_those_it_could_not_and_why(province_user, client_as):
    unit(XIAMEN, 1)  # one inspection a month
    due(FUZHOU, date(2026, 3, 20), "榕城基地01号")
    due(FUZHOU, date(2026, 4, 20), "榕城基地02号")
    due(FUZHOU, date(2026, 4, 25), "榕城基地03号")  # March and April are full by now
    due(FUZHOU, date(2026, 4, 28), "榕城基地04号")
    due(FUZHOU, date(2026, 12, 31), "榕城基地05号")
    plan = services.propose_plan(actor=province_user)
    rows = entries(plan)
    assert [n for n, e in sorted(rows.items()) if not e.placed] == ["榕城基地03号", "榕城基地04号"]
    assert (
        rows["榕城基地03号"].reason
        == "截止日（2026年4月25日）前各月回避同城后的考核能力已排满，考核能力不足，无法安排。"
    )

    page = client_as(province_user).get(reverse("supervision:plan_unplaced", args=[plan.pk]))
    text = visible_text(page)
    assert "榕城基地03号" in text and "榕城基地04号" in text and "考核能力不足" in text
    assert "榕城基地01号" not in text
    detail = visible_text(client_as(province_user).get(reverse("supervision:plan", args=[plan.pk])))
    assert "未能安排的基地： 2家" in detail


def test_art20_units_of_the_bases_own_city_are_avoided(province_user):
    fuzhou, xiamen = unit(FUZHOU, 10), unit(XIAMEN, 10)
    due(FUZHOU, date(2026, 6, 30), "榕城基地")
    due(XIAMEN, date(2026, 6, 30), "鹭岛基地")
    due(NANPING, date(2026, 6, 30), "闽北基地")
    plan = services.propose_plan(actor=province_user)
    rows = entries(plan)
    assert rows["榕城基地"].unit == xiamen and rows["鹭岛基地"].unit == fuzhou
    assert rows["闽北基地"].unit in (fuzhou, xiamen)

    only_fuzhou = [Unit(1, 10, 5)]
    placed, unplaced = fit([Candidate(7, 10, date(2026, 6, 30))], only_fuzhou, date(2026, 3, 1), 36)
    assert placed == {} and unplaced == {7: SAME_CITY_ONLY}


def test_art20_a_suspended_base_and_one_already_scheduled_are_listed_with_the_reason(province_user):
    unit(XIAMEN, 5)
    due(FUZHOU, date(2026, 6, 30), "暂停基地", status="suspended")
    scheduled = due(FUZHOU, date(2026, 6, 30), "已安排基地")
    schedule(province_user, scheduled, team="王科长", on=date(2026, 4, 1))
    plan = services.propose_plan(actor=province_user)
    rows = entries(plan)
    assert rows["暂停基地"].reason == SUSPENDED
    assert rows["已安排基地"].reason == "已安排定期考核（2026年4月1日），无需列入计划。"


def test_art20_moving_a_base_that_double_books_a_unit_is_refused_and_nothing_is_saved(province_user, client_as):
    xiamen = unit(XIAMEN, 1, "厦门评估中心")
    due(FUZHOU, date(2026, 3, 31), "榕城基地甲")
    due(FUZHOU, date(2026, 4, 30), "榕城基地乙")
    plan = services.propose_plan(actor=province_user)
    rows = entries(plan)
    first, second = rows["榕城基地甲"], rows["榕城基地乙"]
    assert (first.month, second.month) == (date(2026, 3, 1), date(2026, 4, 1))

    with pytest.raises(RuleViolation, match="厦门评估中心2026年3月已安排1家，每月考核能力为1家，不能再安排。"):
        services.move_entry(actor=province_user, entry_id=second.pk, month=date(2026, 3, 1), unit_id=xiamen.pk)

    page = client_as(province_user).post(
        reverse("supervision:plan_move", args=[second.pk]),
        {"month": "2026-03-01", "unit": xiamen.pk, "expected_state": "draft"},
    )
    assert page.status_code == 400
    assert "每月考核能力为1家，不能再安排" in visible_text(page)
    second.refresh_from_db()
    assert second.month == date(2026, 4, 1)  # unchanged


def test_art20_moving_a_base_after_its_due_date_or_to_its_own_city_is_refused(province_user):
    xiamen, fuzhou = unit(XIAMEN, 3), unit(FUZHOU, 3, "福州评估中心")
    due(FUZHOU, date(2026, 5, 31), "榕城基地")
    plan = services.propose_plan(actor=province_user)
    entry = entries(plan)["榕城基地"]
    with pytest.raises(RuleViolation, match="应于2026年5月31日前完成考核，不能安排在2026年6月"):
        services.move_entry(actor=province_user, entry_id=entry.pk, month=date(2026, 6, 1), unit_id=xiamen.pk)
    with pytest.raises(RuleViolation, match="福州评估中心与榕城基地同在福州市，须回避"):
        services.move_entry(actor=province_user, entry_id=entry.pk, month=date(2026, 4, 1), unit_id=fuzhou.pk)
    moved = services.move_entry(actor=province_user, entry_id=entry.pk, month=date(2026, 5, 1), unit_id=xiamen.pk)
    assert moved.month == date(2026, 5, 1)


def test_art20_accepting_the_plan_schedules_its_inspections_and_tells_the_units_and_bases(province_user, client_as):
    xiamen = unit(XIAMEN, 2, "厦门评估中心", staff=True)
    a = due(FUZHOU, date(2026, 3, 31), "榕城基地甲")
    b = due(FUZHOU, date(2026, 9, 30), "榕城基地乙")
    plan = services.propose_plan(actor=province_user)
    with new_notifications() as n:
        page = client_as(province_user).post(
            reverse("supervision:plan_accept", args=[plan.pk]), {"expected_state": "draft"}
        )
    assert page.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.ACCEPTED and plan.accepted_at is not None
    inspections = {i.base: i for i in Inspection.objects.filter(base__in=[a, b])}
    assert set(inspections) == {a, b}
    for i in inspections.values():
        assert (i.kind, i.state, i.inspector_unit) == (InspectionKind.PERIODIC, InspectionState.SCHEDULED, xiamen)
    assert inspections[a].scheduled_on == date(2026, 3, 15)
    assert set(PlannedInspection.objects.filter(plan=plan).values_list("inspection_id", flat=True)) == {
        i.pk for i in inspections.values()
    }
    assert "考核任务：榕城基地甲" in n.titles and "考核任务：榕城基地乙" in n.titles
    # an accepted plan is no longer edited
    entry = plan.entries.first()
    with pytest.raises(RuleViolation, match="不能再调整"):
        services.move_entry(actor=province_user, entry_id=entry.pk, month=date(2026, 5, 1), unit_id=xiamen.pk)


def test_art20_accepting_is_refused_whole_when_a_capacity_was_lowered_since(province_user):
    xiamen = unit(XIAMEN, 2, "厦门评估中心")
    due(FUZHOU, date(2026, 3, 31), "榕城基地甲")
    due(FUZHOU, date(2026, 3, 31), "榕城基地乙")
    plan = services.propose_plan(actor=province_user)
    services.set_capacity(actor=province_user, unit_id=xiamen.pk, per_month=1)
    with pytest.raises(RuleViolation, match="每月考核能力为1家"):
        services.accept_plan(actor=province_user, plan_id=plan.pk)
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and not Inspection.objects.exists()


def test_art20_the_capacities_page_sets_a_units_capacity_and_keeps_its_history(province_user, client_as):
    u = unit(XIAMEN, None, "厦门评估中心")
    client = client_as(province_user)
    assert client.post(reverse("supervision:capacities"), {"unit": u.pk, "per_month": "4"}).status_code == 302
    assert client.post(reverse("supervision:capacities"), {"unit": u.pk, "per_month": "6"}).status_code == 302
    bad = client.post(reverse("supervision:capacities"), {"unit": u.pk, "per_month": "-1"})
    assert bad.status_code == 400 and "每月考核能力不能小于0。" in visible_text(bad)
    u.capacity.refresh_from_db()
    assert u.capacity.per_month == 6
    assert list(u.capacity.history.order_by("history_id").values_list("per_month", flat=True)) == [4, 6]
    text = visible_text(client.get(reverse("supervision:capacities")))
    assert "厦门评估中心" in text and "6家" in text


def _plan_with(province_user, n):
    unit(XIAMEN, 5)
    unit(QUANZHOU, 5)
    for k in range(n):
        due((FUZHOU, XIAMEN)[k % 2], date(2026, 4 + k % 9, 28), f"基地{k:02d}号")
    with CaptureQueriesContext(connection) as proposing:
        plan = services.propose_plan(actor=province_user)
    return plan, len(proposing)


@pytest.mark.parametrize("url_name", ["supervision:plan", "supervision:plan_unplaced", "supervision:plans"])
def test_art20_the_proposal_and_the_plan_pages_run_a_fixed_number_of_queries(province_user, client_as, url_name):
    counts = []
    for n in (5, 50):
        plan, proposing = _plan_with(province_user, n)
        client = client_as(province_user)
        url = reverse(url_name, args=[plan.pk]) if url_name != "supervision:plans" else reverse(url_name)
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        counts.append((proposing, len(page)))
        PlannedInspection.objects.all().delete()
        plan.delete()
    assert counts[0] == counts[1]


def test_art20_the_capacities_page_runs_a_fixed_number_of_queries(province_user, client_as):
    client = client_as(province_user)
    counts = []
    for added in (5, 45):  # 5 units, then 50
        for _ in range(added):
            unit(XIAMEN, 3)
        client.get(reverse("supervision:capacities"))
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("supervision:capacities")).status_code == 200
        counts.append(len(page))
    assert counts[0] == counts[1]


def test_art20_a_draft_whose_base_was_scheduled_meanwhile_is_not_accepted(province_user):
    unit(XIAMEN, 2)
    b = due(FUZHOU, date(2026, 6, 30), "榕城基地")
    older = services.propose_plan(actor=province_user)
    newer = services.propose_plan(actor=province_user)
    services.accept_plan(actor=province_user, plan_id=newer.pk)  # schedules 榕城基地
    with pytest.raises(RuleViolation, match="榕城基地已另行安排定期考核"):
        services.accept_plan(actor=province_user, plan_id=older.pk)
    assert Inspection.objects.filter(base=b).count() == 1
