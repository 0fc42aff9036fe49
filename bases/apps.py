from django.apps import AppConfig


class BasesConfig(AppConfig):
    name = "bases"
    verbose_name = "继续教育基地"

    def ready(self):
        # what setting aside a suspension gives back (applications.hearings.undone_by_set_aside)
        from . import categories  # noqa: F401 - what bases tell the categories of Art. 3
        from .services import suspension  # noqa: F401
