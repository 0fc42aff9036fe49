"""The Celery app. Tasks live in each app's tasks.py; the beat schedule comes from the jobs registry."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jxjy_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.import_modules.connect
def schedule_registered_jobs(sender=None, **kwargs):
    """Build the beat schedule once Django is set up (Celery's Django fixup, connected first, did that)."""
    from core import jobs

    app.conf.beat_schedule = jobs.beat_schedule()
