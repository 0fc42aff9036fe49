from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision (Art. 20-24). The label stays "inspections", the app's first name, so tables keep theirs."""

    name = "supervision"
    label = "inspections"
    verbose_name = "考核监督"

    def ready(self):
        # what setting aside a revocation or fraud finding gives back (applications.hearings.undone_by_set_aside)
        # the compliance card on a base's page (bases.panels), which may not import this app
        from . import panels  # noqa: F401
        from .services import fraud, revocation  # noqa: F401
