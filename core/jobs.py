"""The scheduled jobs, by the names operators use: each domain app registers its own in `jobs.py`.

A job is a service function taking `today` (a date in Asia/Shanghai); it must be idempotent, because
the beat may run it late, twice, or an operator may run it by hand for a given day (`run_job`). The
beat schedule is built from this registry (config/celery.py), and one Celery task runs any job.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from celery.schedules import crontab


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[..., object]
    hour: int
    minute: int
    description: str

    def run(self, *, today: date):
        if not isinstance(today, date):
            raise TypeError("a job runs for a date")
        return self.function(today=today)


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


def beat_schedule() -> dict:
    """Celery beat's schedule: the outbox sweep and every registered job once a day."""
    schedule = {"send-pending-notification-emails": OUTBOX_SWEEP}
    for job in registered().values():
        schedule[job.name] = {
            "task": "core.tasks.run_job",
            "schedule": crontab(minute=job.minute, hour=job.hour),
            "args": (job.name,),
        }
    return schedule
