"""Run a scheduled job by name for a given date: `python manage.py run_job annual-filing-reminders --date 2026-12-01`."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import jobs


class Command(BaseCommand):
    help = "Run one of the scheduled jobs now, for a given date (default: today in Asia/Shanghai)."

    def add_arguments(self, parser):
        parser.add_argument("job", choices=sorted(jobs.registered()))
        parser.add_argument("--date", help="YYYY-MM-DD; the job behaves as on that day")

    def handle(self, *args, job, date=None, **options):
        try:
            day = _parse(date) if date is not None else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{date}") from error
        result = jobs.get(job).run(today=day)
        self.stdout.write(self.style.SUCCESS(f"{job} ({day:%Y-%m-%d}): {result}"))


def _parse(text: str) -> date:
    return date.fromisoformat(text)
