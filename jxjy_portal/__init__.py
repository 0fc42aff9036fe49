"""The portal project: settings, URLs, the Celery app and cross-cutting pieces (access, notify, uploads, timeline)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
