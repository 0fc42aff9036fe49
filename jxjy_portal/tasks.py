"""Celery tasks of the cross-cutting pieces."""

from celery import shared_task

from . import notify


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    return notify.send_pending()
