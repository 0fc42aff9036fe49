"""The Celery app; tasks live in each app's tasks.py and the beat schedule in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxjy_portal.settings")

app = Celery("jxjy_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
