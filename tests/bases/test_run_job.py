"""Operators run a scheduled job by name for a given day: `manage.py run_job NAME --date YYYY-MM-DD`. It
does what the beat's job does on that day; a date that is not YYYY-MM-DD is refused with a clear error."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bases.models import AnnualFiling
from core import jobs
from core.models import Notification

from .conftest import at, complete_filing, make_base

pytestmark = pytest.mark.django_db


def run_job(*args) -> str:
    out = StringIO()
    call_command("run_job", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def owing(db):
    return make_base()


@pytest.fixture
def filed(db):
    base = make_base()
    complete_filing(base, state="submitted")
    return base


def test_the_filing_jobs_have_the_names_operators_use():
    assert {"annual-filing-reminders", "annual-filing-overdue"} <= set(jobs.registered())


def test_run_job_sends_the_reminders_of_the_given_day(owing, filed, clock):
    clock(at(2026, 11, 26, 15, 0))  # run by hand, days before the reminder day it stands in for
    output = run_job("annual-filing-reminders", "--date", "2026-12-01")
    assert "annual-filing-reminders (2026-12-01): 1" in output
    (note,) = Notification.objects.all()
    assert note.recipient == owing.staff
    assert note.dedupe_key == f"filing-reminder:{owing.pk}:2026:1201"
    # Once per base and day, however often it is run.
    assert "annual-filing-reminders (2026-12-01): 0" in run_job("annual-filing-reminders", "--date", "2026-12-01")
    assert Notification.objects.count() == 1


def test_run_job_on_a_day_without_reminders_sends_none(owing, clock):
    clock(at(2026, 11, 26, 15, 0))
    assert "(2026-12-02): 0" in run_job("annual-filing-reminders", "--date", "2026-12-02")
    assert not Notification.objects.exists()


def test_run_job_without_a_date_uses_today_in_shanghai(owing, clock):
    clock(at(2026, 12, 1, 0, 0))  # 16:00 UTC on 30 November
    assert "annual-filing-reminders (2026-12-01): 1" in run_job("annual-filing-reminders")
    assert Notification.objects.get().recipient == owing.staff


def test_run_job_marks_the_overdue_filings_of_the_given_day(owing, filed, province, clock):
    now = clock(at(2027, 1, 3, 9, 0))
    assert "annual-filing-overdue (2027-01-01): 1" in run_job("annual-filing-overdue", "--date", "2027-01-01")
    overdue = AnnualFiling.objects.get(base=owing, year=2026)
    assert overdue.overdue_marked_at == now
    assert AnnualFiling.objects.get(base=filed, year=2026).overdue_marked_at is None
    assert Notification.objects.get().recipient == province


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-29", "2026/12/01", "01-12-2026", "tomorrow"])
def test_run_job_refuses_a_bad_date(bad, owing, clock):
    clock(at(2026, 12, 1, 8, 0))  # a reminder day: a bad date must not fall back to it
    with pytest.raises(CommandError) as error:
        run_job("annual-filing-reminders", "--date", bad)
    assert str(error.value) == f"日期格式应为YYYY-MM-DD：{bad}"
    assert not Notification.objects.exists()


def test_run_job_refuses_an_empty_date(owing, clock):
    clock(at(2026, 12, 1, 8, 0))  # e.g. `run_job annual-filing-reminders --date "$DAY"` with DAY unset
    with pytest.raises(CommandError):
        run_job("annual-filing-reminders", "--date=")
    assert not Notification.objects.exists()


def test_run_job_refuses_an_unknown_job(owing):
    with pytest.raises(CommandError, match="invalid choice"):
        run_job("annual-filing-reminder", "--date", "2026-12-01")
