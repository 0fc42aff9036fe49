from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "基地申报"

    def ready(self):
        # what setting aside a refusal gives back (applications.hearings.undone_by_set_aside)
        from . import categories, services  # noqa: F401 - and what applications tell the categories of Art. 3
