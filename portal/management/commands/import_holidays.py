"""`manage.py import_holidays 2027`: import a year's public holidays and make-up working days from the State
Council's notice as packaged by `chinesecalendar` (upgrade the package once the notice is out). The province's
own entries for that year are kept."""

from django.core.management.base import BaseCommand, CommandError

from applications import notices
from core.errors import RuleViolation


class Command(BaseCommand):
    help = "导入某年度的法定节假日和调休上班日（国务院办公厅通知，chinesecalendar），保留省人社厅登记的日期。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        try:
            written, kept = notices.import_official_calendar(year=year)
        except RuleViolation as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(f"{year}年：导入 {written} 天；保留省人社厅登记的 {kept} 天。")
