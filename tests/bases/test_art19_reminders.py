"""SPEC 2.4: on each configured reminder day (default 1, 15, 25 and 31 December) every active base that has
not filed this year's report and next year's plan is reminded, once per base, year and day, in its inbox
and by e-mail, however often the daily job runs. The day is the date in Asia/Shanghai."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from bases import services
from bases.models import BaseStatus
from config.celery import app as celery_app
from core import jobs
from core.models import Notification
from core.tasks import run_job
from tests import factories

from .conftest import at, complete_filing, make_base

pytestmark = pytest.mark.django_db

DEFAULT_DAYS = [(12, 1), (12, 15), (12, 25), (12, 31)]


@pytest.fixture
def world(db):
    """Bases in every situation the reminder must tell apart, for the 2026 filing."""
    w = {
        "nothing": make_base(),
        "draft": make_base(),
        "returned": make_base(),
        "rectifying": make_base(status=BaseStatus.RECTIFYING),
        "submitted": make_base(),
        "accepted": make_base(),
        "revoked": make_base(status=BaseStatus.REVOKED),
        "cancelled": make_base(status=BaseStatus.CANCELLED),
        # Filed last year only: still owes this year's.
        "filed_last_year": make_base(recognised_on=date(2024, 5, 1)),
    }
    factories.AnnualFilingFactory(base=w["draft"], year=2026)
    complete_filing(w["returned"], state="returned")
    complete_filing(w["submitted"], state="submitted")
    complete_filing(w["accepted"], state="accepted")
    complete_filing(w["filed_last_year"], year=2025, state="accepted")
    return w


DUE = ["nothing", "draft", "returned", "rectifying", "filed_last_year"]
NOT_DUE = ["submitted", "accepted", "revoked", "cancelled"]


def reminders_to(user):
    return list(Notification.objects.filter(recipient=user, dedupe_key__startswith="filing-reminder:"))


def mails_to(outbox, user):
    return [m for m in outbox if m.to == [user.email]]


def test_the_default_reminder_days_are_1_15_25_and_31_december():
    assert settings.ANNUAL_FILING_REMINDER_DAYS == ["12-01", "12-15", "12-25", "12-31"]
    assert services.reminder_days() == DEFAULT_DAYS


def test_the_beat_runs_both_jobs_daily_through_the_registered_job_task():
    schedule = jobs.beat_schedule()
    for entry in ("annual-filing-reminders", "annual-filing-overdue"):
        assert schedule[entry]["task"] == "core.tasks.run_job"
        assert schedule[entry]["args"] == (entry,)
        cron = schedule[entry]["schedule"]
        assert len(cron.day_of_month) == 31 and len(cron.month_of_year) == 12 and len(cron.hour) == 1
    assert jobs.get("annual-filing-reminders").function is services.send_filing_reminders
    assert jobs.get("annual-filing-overdue").function is services.mark_overdue_filings
    assert "core.tasks.run_job" in celery_app.tasks
    assert celery_app.conf.timezone == "Asia/Shanghai"


@pytest.mark.parametrize("month, day", DEFAULT_DAYS)
def test_on_each_reminder_day_every_base_that_has_not_filed_gets_one_message_and_one_e_mail(
    month, day, world, clock, step
):
    clock(at(2026, month, day, 8, 0))  # the beat's hour
    with step() as s:
        sent = run_job.delay("annual-filing-reminders").get()
    assert sent == len(DUE)
    for name in DUE:
        staff = world[name].staff
        (note,) = reminders_to(staff)
        assert note.title == "请于2026年12月31日前报送2026年度报告和2027年度计划"
        assert world[name].name in note.body and "第十九条" in note.body
        assert note.url == reverse("bases:filings")
        assert note.dedupe_key == f"filing-reminder:{world[name].pk}:2026:{month:02d}{day:02d}"
        (message,) = mails_to(s.mails, staff)
        assert message.subject == note.title
        assert f"{settings.SITE_URL}{reverse('bases:filings')}" in message.body
    for name in NOT_DUE:
        assert reminders_to(world[name].staff) == []
        assert mails_to(s.mails, world[name].staff) == []
    assert len(s.mails) == len(DUE)


def test_running_the_job_again_the_same_day_sends_nothing_more(world, clock, step):
    clock(at(2026, 12, 15, 8, 0))
    with step() as first:
        assert run_job.delay("annual-filing-reminders").get() == len(DUE)
    clock(at(2026, 12, 15, 20, 0))
    for _ in range(2):
        with step() as again:
            assert run_job.delay("annual-filing-reminders").get() == 0
        assert again.notes == [] and again.mails == []
    assert Notification.objects.count() == len(first.notes) == len(DUE)


def test_each_reminder_day_reminds_again_until_the_base_files(world, clock, step, client_as):
    clock(at(2026, 12, 1, 8, 0))
    with step():
        run_job.delay("annual-filing-reminders")
    # The base with nothing files between the first and the second reminder.
    complete_filing(world["nothing"], state="submitted")
    clock(at(2026, 12, 15, 8, 0))
    with step() as s:
        assert run_job.delay("annual-filing-reminders").get() == len(DUE) - 1
    assert world["nothing"].staff not in s.recipients
    assert len(reminders_to(world["nothing"].staff)) == 1
    assert len(reminders_to(world["draft"].staff)) == 2
    # The reminders are in the institution's inbox.
    page = client_as(world["draft"].staff).get(reverse("inbox")).content.decode()
    assert page.count("请于2026年12月31日前报送2026年度报告和2027年度计划") == 2


@pytest.mark.parametrize("month, day", [(11, 30), (12, 2), (12, 14), (12, 30), (1, 1)])
def test_a_day_that_is_not_a_reminder_day_sends_nothing(month, day, world, clock, step):
    year = 2027 if month == 1 else 2026
    clock(at(year, month, day, 8, 0))
    with step() as s:
        assert run_job.delay("annual-filing-reminders").get() == 0
    assert s.notes == [] and s.mails == []


def test_the_reminder_day_is_the_date_in_shanghai_not_utc(world, clock, step):
    # 23:59 on 30 November in Fujian: not yet a reminder day.
    clock(at(2026, 11, 30, 23, 59))
    with step() as s:
        assert run_job.delay("annual-filing-reminders").get() == 0
    assert s.notes == []
    # 00:00 on 1 December in Fujian is 16:00 on 30 November UTC: the first reminder goes out.
    clock(at(2026, 12, 1, 0, 0))
    with step() as s:
        assert run_job.delay("annual-filing-reminders").get() == len(DUE)
    assert {n.dedupe_key.rsplit(":", 1)[1] for n in s.notes} == {"1201"}
    # 23:59 on 31 December is still a reminder day; 00:00 on 1 January is not.
    clock(at(2026, 12, 31, 23, 59))
    with step() as s:
        assert run_job.delay("annual-filing-reminders").get() == len(DUE)
    assert {n.dedupe_key for n in s.notes} == {f"filing-reminder:{world[k].pk}:2026:1231" for k in DUE}
    clock(at(2027, 1, 1, 0, 0))
    with step() as s:
        assert run_job.delay("annual-filing-reminders").get() == 0


def test_a_base_recognised_after_the_reminder_day_is_not_yet_reminded(clock, step):
    newcomer = make_base(recognised_on=date(2026, 12, 10))
    clock(at(2026, 12, 1, 8, 0))
    with step() as s:
        services.send_filing_reminders(today=date(2026, 12, 1))
    assert newcomer.staff not in s.recipients
    clock(at(2026, 12, 15, 8, 0))
    with step() as s:
        services.send_filing_reminders(today=date(2026, 12, 15))
    assert s.recipients == {newcomer.staff}


def test_every_active_account_of_the_institution_is_reminded_and_a_closed_one_is_not(clock, step):
    base = make_base()
    colleague = factories.InstitutionUserFactory(institution=base.institution)
    gone = factories.InstitutionUserFactory(institution=base.institution, is_active=False)
    clock(at(2026, 12, 25, 8, 0))
    with step() as s:
        services.send_filing_reminders(today=date(2026, 12, 25))
    assert s.recipients == {base.staff, colleague}
    assert gone.email not in s.mailed_to


def test_the_reminder_days_can_be_configured(world, settings, clock, step):
    settings.ANNUAL_FILING_REMINDER_DAYS = ["11-20", "12-10"]
    clock(at(2026, 12, 1, 8, 0))
    with step() as s:
        assert run_job.delay("annual-filing-reminders").get() == 0
    assert s.notes == []
    for month, day in [(11, 20), (12, 10)]:
        clock(at(2026, month, day, 8, 0))
        with step() as s:
            assert run_job.delay("annual-filing-reminders").get() == len(DUE)
        assert {n.dedupe_key.rsplit(":", 1)[1] for n in s.notes} == {f"{month:02d}{day:02d}"}
        assert len(s.mails) == len(DUE)
