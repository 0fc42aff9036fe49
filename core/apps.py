"""The kernel's app: its models (inbox, timeline) and the discovery of what each domain app registers."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    # The label the kernel's tables were created under, when the kernel lived in the project package.
    label = "jxjy_portal"
    verbose_name = "平台公共"

    def ready(self):
        # Each domain app registers its scope rules, state machines, events and jobs in modules of these
        # names, as Django's admin finds admin.py.
        autodiscover_modules("access", "workflow", "events", "jobs")
        from . import (
            checks,  # noqa: F401 - registers the deployment checks
            requestid,  # noqa: F401 - connects the Celery signals that put a task's id on its log lines
            tasks,  # noqa: F401 - registers the kernel's tasks, which the services queue by name in every process
        )
