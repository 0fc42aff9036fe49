"""App config for the project's own cross-cutting models (notifications, timeline, stored files)."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jxjy_portal"
    verbose_name = "平台公共"
