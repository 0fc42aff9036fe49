"""The scheduled jobs, by the names operators use: each domain app registers its own in `jobs.py`.

A job is a service function taking `today` (a date in Asia/Shanghai); it must be idempotent, because
the beat may run it late, twice, or an operator may run it by hand for a given day (`run_job`). The
beat schedule is built from this registry (config/celery.py), and one Celery task runs any job.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from celery.schedules import crontab
from django.utils import timezone

logger = logging.getLogger(__name__)

# A job that has not succeeded within this time after its scheduled time counts as having missed its run.
GRACE = timedelta(hours=2)


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[..., object]
    hour: int
    minute: int
    description: str

    def run(self, *, today: date, by_beat: bool = False):
        if not isinstance(today, date):
            raise TypeError("a job runs for a date")
        return recorded(self, today=today, by_beat=by_beat)

    def last_due(self, *, now: datetime) -> datetime:
        """The latest scheduled time at or before `now` (Asia/Shanghai)."""
        local = timezone.localtime(now)
        due = timezone.make_aware(datetime.combine(local.date(), time(self.hour, self.minute)))
        return due if due <= local else due - timedelta(days=1)


def recorded(job: Job, *, today: date, by_beat: bool = False):
    """Run `job` for `today` and keep a JobRun row of it (issue 19, point 7): start, end, success or the error.

    A run fired by the beat first claims the day (a unique row): when two beat processes fire the same job,
    the second finds the claim, logs it and does nothing (issue 19, point 3).
    """
    from django.db import IntegrityError, transaction

    from .models import JobRun

    trigger = JobRun.Trigger.BEAT if by_beat else JobRun.Trigger.HAND
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job.name, for_day=today, trigger=trigger, started_at=timezone.now())
    except IntegrityError:
        logger.info("job %s for %s was already started by another beat; not run again", job.name, today)
        return None
    try:
        result = job.function(today=today)
    except Exception as error:
        JobRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), succeeded=False, error=f"{type(error).__name__}: {error}"[:4000]
        )
        logger.exception("job %s failed for %s", job.name, today)
        raise
    JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), succeeded=True, result=str(result)[:200])
    return result


@dataclass(frozen=True)
class Status:
    job: Job
    due: datetime
    last_success: datetime | None
    last_failure: datetime | None
    missed: bool


def statuses(*, now: datetime | None = None) -> list[Status]:
    """Each registered job with its last success and failure, and whether it missed its last scheduled run."""
    from django.db.models import Max, Q

    from .models import JobRun

    now = now or timezone.now()
    latest = {
        row["job"]: row
        for row in JobRun.objects.values("job").annotate(
            success=Max("started_at", filter=Q(succeeded=True)), failure=Max("started_at", filter=Q(succeeded=False))
        )
    }
    result = []
    for job in registered().values():
        row = latest.get(job.name, {})
        due = job.last_due(now=now - GRACE)  # the latest run that should have ended by now
        success = row.get("success")
        missed = success is None or success < due
        result.append(Status(job, due, success, row.get("failure"), missed))
    return result


_jobs: dict[str, Job] = {}


def register(name: str, function: Callable[..., object], *, at: str, description: str = "") -> Job:
    """Register `function(today=...)` to run daily at `at` ("HH:MM", Asia/Shanghai) under `name`."""
    hour, minute = (int(part) for part in at.split(":"))
    if name in _jobs and _jobs[name].function is not function:
        raise ValueError(f"job {name} is already registered")
    _jobs[name] = job = Job(name, function, hour, minute, description or (function.__doc__ or "").strip())
    return job


def registered() -> dict[str, Job]:
    return dict(sorted(_jobs.items()))


def get(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise LookupError(f"no job named {name}; the jobs are: {', '.join(sorted(_jobs))}") from None


# The outbox of notification e-mails is swept every minute, whatever the jobs.
OUTBOX_SWEEP = {"task": "core.tasks.send_pending_emails", "schedule": crontab(minute="*")}
# Expired background exports leave the storage within the hour (the download view refuses them at once).
EXPIRED_EXPORTS_SWEEP = {"task": "core.tasks.delete_expired_exports", "schedule": crontab(minute=17)}


def beat_schedule() -> dict:
    """Celery beat's schedule: the outbox sweep, the expired exports sweep and every registered job once a day."""
    schedule = {"send-pending-notification-emails": OUTBOX_SWEEP, "delete-expired-exports": EXPIRED_EXPORTS_SWEEP}
    for job in registered().values():
        schedule[job.name] = {
            "task": "core.tasks.run_job",
            "schedule": crontab(minute=job.minute, hour=job.hour),
            "args": (job.name,),
            "kwargs": {"by_beat": True},
        }
    return schedule
