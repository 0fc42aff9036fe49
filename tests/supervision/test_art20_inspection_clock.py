"""Art. 20: each base is inspected on site at least once every 3 years, counted from its recognition or its
last completed periodic inspection; a daily job flags bases due within 90 days and overdue (SPEC 2.5)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from bases.models import BaseStatus
from bases.services import create_base
from core.models import Notification
from core.periods import add_years, last_day_of_years
from core.tasks import run_job
from supervision import services
from supervision.models import Result
from tests import factories
from tests.helpers import assert_constant_queries, visible_text

from .conftest import at, base_in, confirmed, new_notifications, record, schedule

pytestmark = pytest.mark.django_db


def recognise(on: date):
    app = factories.ApplicationFactory(complete=True, state="approved")
    return create_base(application=app, recognised_on=on)


# -- where the clock starts --------------------------------------------------------------------------


def test_recognition_starts_the_clock_due_on_the_same_day_three_years_later():
    base = recognise(date(2025, 7, 1))

    assert base.next_inspection_due == date(2028, 7, 1)
    assert base.next_inspection_due == last_day_of_years(base.recognised_on, 3)


def test_recognition_on_29_february_is_due_on_28_february_three_years_later():
    base = recognise(date(2024, 2, 29))

    assert base.next_inspection_due == date(2027, 2, 28)


def test_year_counting_keeps_29_february_in_a_leap_year_and_clamps_it_otherwise():
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert last_day_of_years(date(2023, 2, 28), 1) == date(2024, 2, 28)  # no jump to the 29th
    assert last_day_of_years(date(2025, 12, 31), 3) == date(2028, 12, 31)


def test_confirming_a_periodic_inspection_moves_the_clock_to_three_years_after_the_inspection_day(province_user):
    with at(2026, 5, 10, 9, 0):
        base = recognise(date(2025, 7, 1))
        inspection = schedule(province_user, base)
        record(province_user, inspection, inspected_on=date(2026, 5, 8))
        base.refresh_from_db()
        assert base.next_inspection_due == date(2028, 7, 1)  # a recorded result alone does not count

        services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="confirm")

    base.refresh_from_db()
    assert base.next_inspection_due == date(2029, 5, 8)


def test_a_periodic_inspection_on_29_february_is_next_due_on_28_february(province_user):
    with at(2028, 3, 1, 10, 0):
        base = base_in(next_inspection_due=date(2028, 7, 1))
        confirmed(province_user, base, inspected_on=date(2028, 2, 29))

    base.refresh_from_db()
    assert base.next_inspection_due == date(2031, 2, 28)


def test_a_spot_check_does_not_move_the_clock(province_user):
    with at(2026, 5, 10, 9, 0):
        base = base_in(next_inspection_due=date(2027, 1, 15))
        confirmed(province_user, base, kind="spot_check", inspected_on=date(2026, 5, 9))

    base.refresh_from_db()
    assert base.next_inspection_due == date(2027, 1, 15)


def test_a_failed_periodic_inspection_still_counts_as_the_on_site_inspection(province_user):
    with at(2026, 5, 10, 9, 0):
        base = base_in(next_inspection_due=date(2027, 1, 15))
        confirmed(province_user, base, result=Result.FAIL, inspected_on=date(2026, 5, 9))

    base.refresh_from_db()
    assert base.next_inspection_due == date(2029, 5, 9)


# -- the daily job: due within 90 days, overdue ---------------------------------------------------------


TODAY = date(2026, 3, 1)


def test_due_in_exactly_90_days_is_due_soon_and_91_days_is_not(province_user):
    in_90 = base_in(name="九十日基地", next_inspection_due=TODAY + timedelta(days=90))
    base_in(name="九十一日基地", next_inspection_due=TODAY + timedelta(days=91))

    with new_notifications() as n:
        counts = services.flag_inspection_clock(today=TODAY)

    assert counts == {"overdue": 0, "due_soon": 1}
    (note,) = n.notes
    assert note.recipient == province_user
    assert note.title == "定期考核提醒：逾期0家，90日内到期1家"
    assert f"{in_90.name}（截止2026年5月30日）" in note.body
    assert "九十一日基地" not in note.body


def test_due_yesterday_is_overdue_and_due_today_is_due_soon_not_overdue(province_user):
    yesterday = base_in(name="昨日到期基地", next_inspection_due=TODAY - timedelta(days=1))
    today = base_in(name="今日到期基地", next_inspection_due=TODAY)

    with new_notifications() as n:
        counts = services.flag_inspection_clock(today=TODAY)

    assert counts == {"overdue": 1, "due_soon": 1}
    body = n.notes[0].body
    overdue_part, soon_part = body.split("90日内到期：")
    assert yesterday.name in overdue_part and today.name not in overdue_part
    assert today.name in soon_part and yesterday.name not in soon_part


def test_the_daily_task_at_23_59_and_00_00_in_shanghai_counts_the_local_day(province_user):
    base_in(next_inspection_due=date(2026, 6, 30))

    with at(2026, 6, 30, 23, 59):
        assert run_job("inspection-clock") == {"overdue": 0, "due_soon": 1}
    with at(2026, 7, 1, 0, 0):
        assert run_job("inspection-clock") == {"overdue": 1, "due_soon": 0}


def test_revoked_and_cancelled_bases_are_not_on_the_clock(province_user):
    base_in(status=BaseStatus.REVOKED, next_inspection_due=TODAY - timedelta(days=10))
    base_in(status=BaseStatus.CANCELLED, next_inspection_due=TODAY + timedelta(days=10))
    rectifying = base_in(status=BaseStatus.RECTIFYING, next_inspection_due=TODAY - timedelta(days=1))

    with new_notifications() as n:
        counts = services.flag_inspection_clock(today=TODAY)

    assert counts == {"overdue": 1, "due_soon": 0}
    assert rectifying.name in n.notes[0].body


def test_nothing_due_sends_nothing(province_user):
    base_in(next_inspection_due=TODAY + timedelta(days=400))

    with new_notifications() as n:
        assert services.flag_inspection_clock(today=TODAY) == {"overdue": 0, "due_soon": 0}

    assert n.notes == []


def test_the_province_is_told_once_per_day_however_often_the_job_runs(province_user):
    second_province = factories.UserFactory(role="province")
    base_in(next_inspection_due=TODAY - timedelta(days=3))

    with new_notifications() as n:
        services.flag_inspection_clock(today=TODAY)
        services.flag_inspection_clock(today=TODAY)
        run_job("inspection-clock", on=TODAY.isoformat())
    assert sorted(x.recipient_id for x in n.notes) == sorted([province_user.pk, second_province.pk])

    with new_notifications() as n:
        services.flag_inspection_clock(today=TODAY + timedelta(days=1))
    assert n.recipients == {province_user, second_province}
    assert Notification.objects.filter(recipient=province_user).count() == 2


def test_the_job_runs_the_same_number_of_queries_for_3_and_30_bases(province_user):
    def fill(n, day):
        for i in range(n):
            base_in(next_inspection_due=day - timedelta(days=1 + i % 5))  # overdue
            base_in(next_inspection_due=day + timedelta(days=10 + i % 50))  # due soon

    few_day, many_day = TODAY, TODAY + timedelta(days=1000)
    days, counts = iter([few_day, many_day]), []
    fill(3, few_day)

    assert_constant_queries(
        lambda: counts.append(services.flag_inspection_clock(today=next(days))), lambda: fill(30, many_day)
    )
    assert counts == [
        {"overdue": 3, "due_soon": 3},
        {"overdue": 36, "due_soon": 30},  # the first six are long overdue by then
    ]


# -- what the province sees -------------------------------------------------------------------------------


def test_the_province_list_shows_overdue_and_due_soon_bases_with_a_schedule_link(province_user, client_as):
    with at(2026, 3, 1, 10, 0):
        late = base_in(name="逾期基地", next_inspection_due=date(2026, 2, 28))
        soon = base_in(name="将到期基地", next_inspection_due=date(2026, 5, 30))
        base_in(name="远期基地", next_inspection_due=date(2026, 5, 31))
        response = client_as(province_user).get(reverse("supervision:list"))

    text = visible_text(response)
    assert "逾期基地 " in text and "2026年2月28日 已逾期" in text
    assert "将到期基地 " in text and "2026年5月30日 90日内到期" in text
    assert "远期基地" not in text
    page = response.content.decode()
    assert f"{reverse('supervision:schedule')}?base={late.pk}&" in page
    assert f"{reverse('supervision:schedule')}?base={soon.pk}&" in page
