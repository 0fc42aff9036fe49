"""The kernel's Celery tasks: the e-mail outbox sweep, one task that runs any registered job, and the background
exports (building one, and the hourly deletion of expired files)."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import exports, jobs, outbox


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    return outbox.send_pending()


@shared_task(acks_late=True)
def run_job(name: str, on: str | None = None, by_beat: bool = False):
    """Run the job `name` for the day `on` (YYYY-MM-DD), or for today in Asia/Shanghai; once a day by the beat."""
    return jobs.get(name).run(today=date.fromisoformat(on) if on else timezone.localdate(), by_beat=by_beat)


# No automatic retry: a failed export is marked failed and its owner told (core/exports.py); a task delivered again
# after a lost worker rebuilds the same job into the same file name, so no duplicate file is ever written.
@shared_task(acks_late=True, max_retries=0)
def build_export(pk: int) -> str:
    return exports.build(pk)


@shared_task(acks_late=True)
def delete_expired_exports() -> int:
    return exports.delete_expired()
