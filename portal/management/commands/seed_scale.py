"""Province-sized data for benchmarks: `python manage.py seed_scale [--scale N]` (bulk inserts, idempotent).

At scale 1, today's province: 3,000 institutions with their users, 1,000 bases, 10,000 applications with
timelines, history rows (a creation and three edits each), managers and 20,000 uploads' metadata (sharing one
small file), 6,000 annual filings, 3,000 inspections with their checklists, notifications for the province and
each city's recommender; `--scale 10` gives ten times each (10,000 bases, 100,000 applications). Rows go in
chunks with their history rows written from the rows just inserted, so memory stays flat (portal/scale_province.py).
Then training records for those bases (portal/scale_training.py): `--participants N` trainees in classes of 100,
20,000 × the scale by default, `--participants 3000000` for the issue's province of three years. Each part is
skipped when present, so a database seeded before grows its training records on the next run. The statistics
are refreshed at the end (ANALYZE) so that the benchmarks' plans see the data.
"""

import random
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Institution
from portal import scale_province, scale_training
from portal.scale_province import PREFIX

__all__ = ["PREFIX", "Command"]


class Command(BaseCommand):
    help = "Fill the database with a province-sized load for benchmarks (bulk inserts in chunks)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="times today's province (default 1: 1,000 bases, 10,000 applications; 10 for the benchmarks)",
        )
        parser.add_argument(
            "--participants",
            type=int,
            default=None,
            help=f"training participants to create (default {scale_training.DEFAULT_PARTICIPANTS:,} × the scale; "
            f"{scale_training.LARGEST:,} for the issue's three-year province)",
        )

    def handle(self, *args, **options):
        scale = options["scale"]
        if scale < 1:
            raise CommandError("--scale 须为不小于 1 的整数。")
        participants = options["participants"]
        if participants is None:
            participants = scale_training.DEFAULT_PARTICIPANTS * scale
        if participants < 0:
            raise CommandError("--participants 不能为负数。")
        started = time.monotonic()
        if Institution.objects.filter(name__startswith=PREFIX).exists():
            self.stdout.write("规模数据已存在，跳过。")
        else:
            self.stdout.write(f"规模 {scale} 倍：")
            with transaction.atomic():
                scale_province.ProvinceSeed(
                    scale=scale,
                    rng=random.Random(20261126),
                    today=timezone.localdate(),
                    now=timezone.now(),
                    say=self.stdout.write,
                ).run()
            self.stdout.write(self.style.SUCCESS(f"规模数据已生成，用时{time.monotonic() - started:.1f}秒。"))
        if participants:
            self.grow_training(participants)
        self.analyze()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.stdout.write(f"共用时{time.monotonic() - started:.1f}秒，内存峰值 {peak:.0f} MiB。")

    def grow_training(self, participants):
        started = time.monotonic()
        counts = scale_training.grow(
            prefix=PREFIX,
            participants=participants,
            today=timezone.localdate(),
            now=timezone.now(),
            rng=random.Random(20261204),
        )
        if counts is None:
            self.stdout.write("培训记录已存在，跳过。")
            return
        self.stdout.write(f"training: {time.monotonic() - started:.1f}s")
        for name, n in counts.items():
            self.stdout.write(f"  {name:<28}{n:>10,}")
        self.stdout.write(self.style.SUCCESS(f"培训记录已生成，用时{time.monotonic() - started:.1f}秒。"))

    def analyze(self):
        """Fresh planner statistics for every table (PostgreSQL; nothing to do on SQLite)."""
        if connection.vendor != "postgresql":
            return
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"ANALYZE: {time.monotonic() - started:.1f}s")
