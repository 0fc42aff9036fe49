from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public side: it reads the register and announcements and writes nothing."""

    name = "public"
    verbose_name = "公开服务"

    def ready(self):
        from . import signals  # noqa: F401  (connects the cache invalidation)
