"""The working-day calendar of the 公示 (Art. 8(4)) and of the 陈述申辩 period: seeded from the State Council's
yearly notices (chinesecalendar), extended a year at a time with `import_holidays`, overridden by the
province's own entries; a period that reaches a year with no calendar is refused, not miscounted."""

from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications import notices
from applications.models import CalendarDay, DayKind, DaySource, PublicNotice, State
from tests import factories
from tests.helpers import visible_text
from tests.public.conftest import at, proposed_application

pytestmark = pytest.mark.django_db


def test_the_calendar_ships_with_the_state_councils_2026_national_day():
    national_day = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert (national_day.kind, national_day.name, national_day.source) == (
        DayKind.HOLIDAY,
        "国庆节",
        DaySource.OFFICIAL,
    )
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == DayKind.WORKDAY  # a Saturday worked
    assert not CalendarDay.objects.filter(date=date(2026, 10, 3)).exists()  # a Saturday off anyway: no entry


def test_five_working_days_from_28_september_2026_end_on_9_october_not_inside_national_day():
    assert notices.period_end(date(2026, 9, 28), 5) == date(2026, 10, 9)


def test_a_notice_reaching_a_year_without_a_calendar_is_refused_and_the_form_keeps_its_input(client_as, province_user):
    CalendarDay.objects.filter(date__year=2027).delete()  # whatever a newer chinesecalendar may bring
    with time_machine.travel(at(2026, 12, 21, 10, 0)):
        batch = factories.BatchFactory(name="2026年第二批")
        app = proposed_application(batch, name="宁德蕉城专业技术培训中心")
        url = reverse("recognition:notice_new", args=[batch.pk])
        response = client_as(province_user).post(
            url, {"applications": [app.pk], "starts_on": "2026-12-28", "working_days": 5}
        )

    text = visible_text(response)
    assert "尚无2027年的节假日安排" in text
    assert 'value="2026-12-28"' in response.content.decode()
    assert not PublicNotice.objects.exists()
    assert app.state == State.SITE_VISIT


def test_import_holidays_keeps_what_the_province_entered(province_user):
    notices.save_calendar_day(
        actor=province_user, day=CalendarDay(date=date(2026, 10, 10), kind=DayKind.HOLIDAY, name="本省安排")
    )
    CalendarDay.objects.filter(date=date(2026, 10, 1)).delete()

    call_command("import_holidays", "2026")

    assert CalendarDay.objects.get(date=date(2026, 10, 1)).source == DaySource.OFFICIAL  # restored
    mine = CalendarDay.objects.get(date=date(2026, 10, 10))
    assert (mine.kind, mine.name, mine.source) == (DayKind.HOLIDAY, "本省安排", DaySource.PROVINCE)


def test_import_holidays_for_a_year_the_package_does_not_cover_says_so():
    with pytest.raises(CommandError, match="尚无2099年的节假日安排"):
        call_command("import_holidays", "2099")
    assert not CalendarDay.objects.filter(date__year=2099).exists()


def test_the_calendar_page_warns_of_next_years_missing_calendar(client_as, province_user):
    CalendarDay.objects.filter(date__year=2027).delete()
    with time_machine.travel(at(2026, 12, 5, 9, 0)):
        text = visible_text(client_as(province_user).get(reverse("applications:calendar")))
    assert "尚无2027年的节假日安排" in text
    assert "国务院办公厅通知" in text  # the source column
