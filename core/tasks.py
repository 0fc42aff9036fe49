"""The kernel's Celery tasks: the e-mail outbox sweep, and one task that runs any registered job."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import jobs, outbox


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    return outbox.send_pending()


@shared_task(acks_late=True)
def run_job(name: str, on: str | None = None, by_beat: bool = False):
    """Run the job `name` for the day `on` (YYYY-MM-DD), or for today in Asia/Shanghai; once a day by the beat."""
    return jobs.get(name).run(today=date.fromisoformat(on) if on else timezone.localdate(), by_beat=by_beat)
