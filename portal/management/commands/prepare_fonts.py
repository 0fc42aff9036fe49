"""Make the static instances of the embedded Chinese face once (core/fonts.py); `make` runs it at install."""

from django.core.management.base import BaseCommand

from core import fonts


class Command(BaseCommand):
    help = "准备PDF文书嵌入的中文字体（Noto Sans SC 常规、粗体），每台机器只需一次。"

    def handle(self, *args, **options):
        for weight in fonts.WEIGHTS:
            self.stdout.write(f"{weight}: {fonts.prepare(weight)}")
