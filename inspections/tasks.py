"""Daily supervision jobs: they only call services, with today's date in Asia/Shanghai."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services


def _day(iso: str | None) -> date:
    return date.fromisoformat(iso) if iso else timezone.localdate()


@shared_task(acks_late=True)
def flag_inspection_clock(on: str | None = None) -> dict:
    return services.flag_inspection_clock(today=_day(on))


@shared_task(acks_late=True)
def flag_missed_deadlines(on: str | None = None) -> int:
    return services.flag_missed_deadlines(today=_day(on))
