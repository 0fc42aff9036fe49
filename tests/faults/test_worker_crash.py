"""A Celery worker dying mid-task loses nothing and doubles nothing.

Tasks are acknowledged late (after they return) and rejected — hence redelivered — when the worker is lost, so
a crashed job runs again. That is only safe if each job's work is one transaction (a crash leaves nothing
half-done) and idempotent (a second run, after a crash or after a success whose ack was lost, adds nothing).
"""

from collections import Counter
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage

from accounts.models import Role
from bases.models import AnnualFiling
from config.celery import app as celery_app
from core import jobs
from core import tasks as portal_tasks
from core.models import Notification
from core.tasks import run_job
from supervision.models import RectificationOrder
from tests import factories

pytestmark = pytest.mark.django_db

REMINDER_DAY = "2026-12-01"


class WorkerLost(BaseException):
    """The worker process is killed: not an Exception any `except Exception` in the task could swallow."""


def reminders():
    return Notification.objects.filter(dedupe_key__startswith="filing-reminder:")


def expected_reminders(bases):
    return Counter((user.pk, f"filing-reminder:{base.pk}:2026:1201") for base in bases for user in base.staff)


def test_every_scheduled_task_is_acknowledged_late_and_redelivered_when_the_worker_is_lost():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert celery_app.conf.task_acks_late is True and celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1
    for entry in jobs.beat_schedule().values():
        task = celery_app.tasks[entry["task"]]
        assert task.acks_late is True, entry["task"]
        assert task.reject_on_worker_lost in (True, None), entry["task"]  # None: the app's setting (True)


def test_a_reminder_job_that_dies_half_way_leaves_nothing_and_its_redelivery_reminds_each_base_once(
    owing_bases, django_capture_on_commit_callbacks
):
    real_bulk_create = Notification.objects.bulk_create

    def dies_half_way(rows, **kwargs):
        real_bulk_create(rows[: len(rows) // 2], **kwargs)  # half the inbox rows are written ...
        raise WorkerLost("SIGKILL")  # ... and the worker is gone before the transaction commits

    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        mock.patch.object(Notification.objects, "bulk_create", side_effect=dies_half_way),
        pytest.raises(WorkerLost),
    ):
        run_job.apply(args=["annual-filing-reminders"], kwargs={"on": REMINDER_DAY})
    assert reminders().count() == 0, "the crashed run left half its rows behind"
    assert queued == [] and mail.outbox == [], "the crashed run queued e-mails"

    # The broker redelivers the message (acks_late + reject_on_worker_lost): the job runs again.
    with django_capture_on_commit_callbacks(execute=True):
        result = run_job.apply(args=["annual-filing-reminders"], kwargs={"on": REMINDER_DAY})
    assert result.successful() and result.result == sum(len(b.staff) for b in owing_bases)
    assert Counter(reminders().values_list("recipient_id", "dedupe_key")) == expected_reminders(owing_bases)
    assert Counter(m.to[0] for m in mail.outbox) == Counter(u.email for b in owing_bases for u in b.staff)


def test_a_reminder_job_redelivered_after_it_succeeded_adds_nothing(owing_bases, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_job.apply(args=["annual-filing-reminders"], kwargs={"on": REMINDER_DAY})
    mail.outbox.clear()
    # The ack was lost (the worker died after the commit): the same message runs again, twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = [run_job.apply(args=["annual-filing-reminders"], kwargs={"on": REMINDER_DAY}).result for _ in range(2)]
    assert again == [0, 0]
    assert Counter(reminders().values_list("recipient_id", "dedupe_key")) == expected_reminders(owing_bases)
    assert mail.outbox == []


def test_two_workers_that_both_pass_the_dedupe_look_up_still_write_each_reminder_once(owing_bases):
    """Two deliveries running side by side both find "not sent yet"; the unique (recipient, dedupe_key)
    constraint and bulk_create(ignore_conflicts=True) make the second one's rows vanish."""
    run_job.apply(args=["annual-filing-reminders"], kwargs={"on": REMINDER_DAY})
    before = list(reminders().values_list("recipient_id", "dedupe_key"))
    late_twin = [Notification(recipient_id=recipient, title="重复", dedupe_key=key) for recipient, key in before]
    Notification.objects.bulk_create(late_twin, ignore_conflicts=True)
    assert Counter(reminders().values_list("recipient_id", "dedupe_key")) == expected_reminders(owing_bases)


@pytest.mark.parametrize(
    "job, day",
    [
        ("annual-filing-overdue", "2027-01-01"),
        ("inspection-clock", "2028-06-01"),
        ("rectification-deadlines", "2026-12-01"),
    ],
)
def test_every_other_daily_job_run_twice_on_one_day_adds_nothing_the_second_time(owing_bases, job, day):
    province = factories.UserFactory(role=Role.PROVINCE)  # the one these jobs tell
    RectificationOrder.objects.create(
        base=owing_bases[0], ground="noncompliance", findings="档案不全", deadline="2026-11-01", ordered_by=province
    )

    def state():
        return (
            sorted(Notification.objects.values_list("recipient_id", "title", "dedupe_key")),
            sorted(AnnualFiling.objects.values_list("base_id", "year", "state")),
            sorted(RectificationOrder.objects.values_list("pk", "deadline_missed_at")),
        )

    run_job.apply(args=[job], kwargs={"on": day})
    first = state()
    assert first[0], f"{job} told nobody anything: the fixture does not exercise it"
    run_job.apply(args=[job], kwargs={"on": day})
    assert state() == first


def test_an_e_mail_sweep_that_dies_mid_batch_loses_no_e_mail_when_run_again(owing_bases):
    """The outbox sweep (core.tasks.send_pending_emails, acks_late) is redelivered after a crash too."""
    run_job.apply(args=["annual-filing-reminders"], kwargs={"on": REMINDER_DAY})
    mail.outbox.clear()
    with mock.patch.object(EmailMessage, "send", dies_on_the_fourth_send()), pytest.raises(WorkerLost):
        portal_tasks.send_pending_emails.apply()
    portal_tasks.send_pending_emails.apply()  # the redelivery
    assert portal_tasks.send_pending_emails.apply().result == 0  # the next minute's sweep: nothing left

    assert not Notification.objects.filter(emailed_at=None).exists(), "an e-mail was never sent"
    expected = {u.email for b in owing_bases for u in b.staff}
    assert {m.to[0] for m in mail.outbox} == expected


def dies_on_the_fourth_send():
    real_send, calls = EmailMessage.send, []

    def send(self, *args, **kwargs):
        calls.append(self.to[0])
        if len(calls) == 4:
            raise WorkerLost("SIGKILL while talking to the mail server")
        return real_send(self, *args, **kwargs)

    return send


def test_an_e_mail_sweep_that_dies_mid_batch_never_sends_an_e_mail_twice(owing_bases):
    run_job.apply(args=["annual-filing-reminders"], kwargs={"on": REMINDER_DAY})
    mail.outbox.clear()
    with mock.patch.object(EmailMessage, "send", dies_on_the_fourth_send()), pytest.raises(WorkerLost):
        portal_tasks.send_pending_emails.apply()
    portal_tasks.send_pending_emails.apply()
    sent = Counter(m.to[0] for m in mail.outbox)
    assert {address: n for address, n in sent.items() if n > 1} == {}
