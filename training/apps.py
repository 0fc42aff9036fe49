from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "培训记录"

    def ready(self):
        from . import (
            tasks,  # noqa: F401 - registers the background import with Celery before anyone queues it
            verification,  # noqa: F401 - gives the annual report's 真实性核查 its recorded figures
        )
