"""Scheduled jobs about bases: they only call services, with today's date in Asia/Shanghai."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services


def _day(iso: str | None) -> date:
    return date.fromisoformat(iso) if iso else timezone.localdate()


@shared_task(acks_late=True)
def send_filing_reminders(on: str | None = None) -> int:
    return services.send_filing_reminders(today=_day(on))


@shared_task(acks_late=True)
def mark_overdue_filings(on: str | None = None) -> int:
    return services.mark_overdue_filings(today=_day(on))
