"""How fast a base's training sheet imports (issue 17, point 2): a 10,000-row Excel file, read and applied, in
at most 30 s with memory flat; then the same file again (nothing to write). Prints each figure with PASS/FAIL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/imports.py [rows]

It needs no scale data: it makes its own base and removes what it imported at the end. Memory is Python's
peak allocation while importing (tracemalloc), compared between a 1,000-row and the full file: "flat" means
the peak grows with the rows read (their parsed values) and not with the file or the classes written.
"""

import io
import sys
import time
import tracemalloc

import _setup  # noqa: F401 - settings from the environment
import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from core import pii  # noqa: E402
from training import sheet as training_sheet  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
LIMIT_S = 30.0


def sheet(rows: int, prefix: str = "BENCH") -> bytes:
    """`rows` trainees in classes of 100, each a valid, distinct ID number."""
    book = Workbook()  # as Excel saves it: shared strings and a declared dimension
    ws = book.active
    ws.title = training_sheet.SHEET_TITLE
    ws.append([c.header for c in training_sheet.COLUMNS])
    for n in range(rows):
        k = n // 100
        first_17 = f"350102{1960 + n % 40}{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
        number = first_17 + pii.check_digit(first_17)
        # the same birth date and sequence repeat every 1,000 × 40 × 12 × 28 rows only
        ws.append(
            [f"{prefix}-{k:04d}", f"基准测试培训班{prefix}{k}", "开展专业技术人员公需科目或专业科目培训", "工程技术", "2026-03-02",
             "2026-03-06", 40, "线下", "福州市鼓楼区", "否", f"学员{n}", number, "福州某单位", "福州市", "否", 40, "合格",
             "2026-03-06"]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(data: bytes, base, user):
    """Import once, timed (tracemalloc off: it slows allocation-heavy code several times)."""
    from training.services import imports

    started = time.perf_counter()
    job = imports.start_import(
        actor=user, base_id=base.pk, upload=SimpleUploadedFile("bench.xlsx", data), mode="all_or_nothing"
    )
    return job, time.perf_counter() - started


def peak_memory(data: bytes, base, user) -> int:
    """Python's peak allocation while importing a file (in a savepoint rolled back)."""
    from django.db import transaction

    tracemalloc.start()
    with transaction.atomic():
        run(data, base, user)
        transaction.set_rollback(True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main():
    from django.conf import settings
    from django.db import transaction

    from accounts.models import Role, User
    from tests import factories

    settings.TRAINING_IMPORT_INLINE_BYTES = 10**9  # measured in-process, as the worker runs it
    with transaction.atomic():
        base = factories.BaseFactory()
        user = User.objects.create_user(
            username=f"bench-import-{time.time_ns()}", password="x", role=Role.INSTITUTION, institution=base.institution
        )
        small_data, big_data = sheet(1000, "WARM"), sheet(ROWS)
        small_peak, big_peak = peak_memory(small_data, base, user), peak_memory(big_data, base, user)
        run(small_data, base, user)  # warm-up: imports, caches, the first class
        big, big_s = run(big_data, base, user)
        again, again_s = run(big_data, base, user)
        print(f"file: {ROWS} rows, {len(big_data) / 1e6:.1f} MB")
        ok = big.participants_created == ROWS and big.problems == []
        print(f"{'PASS' if ok else 'FAIL'} all rows imported: {big.participants_created} created, phase {big.phase}")
        print(f"{'PASS' if big_s <= LIMIT_S else 'FAIL'} {ROWS}-row import: {big_s:.1f} s (target ≤ {LIMIT_S:.0f} s)")
        print(f"{'PASS' if again.unchanged_rows == ROWS else 'FAIL'} same file again: {again_s:.1f} s, "
              f"{again.unchanged_rows} rows unchanged, nothing written")  # fmt: skip
        per_row_small, per_row_big = small_peak / 1000, big_peak / ROWS
        flat = per_row_big <= per_row_small * 1.5
        print(f"{'PASS' if flat else 'FAIL'} memory flat: peak {small_peak / 1e6:.1f} MB at 1,000 rows, "
              f"{big_peak / 1e6:.1f} MB at {ROWS} rows ({per_row_small / 1e3:.1f} vs {per_row_big / 1e3:.1f} kB per row)")  # fmt: skip
        transaction.set_rollback(True)  # leave the database as it was


if __name__ == "__main__":
    main()
