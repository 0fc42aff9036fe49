from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The shell: home pages, inbox, registration, navigation, and the seed and job commands."""

    name = "portal"
    verbose_name = "门户"
