from django.apps import AppConfig


class BasesConfig(AppConfig):
    name = "bases"
    verbose_name = "继续教育基地"

    def ready(self):
        from . import signals

        signals.connect_inspections()
