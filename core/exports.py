"""Every list exports what it shows, with its filters, to .xlsx and CSV.

A list view passes its filtered queryset and column spec to `respond`; with `?export=csv` the rows
stream (constant memory), with `?export=xlsx` openpyxl writes in write-only mode to a temporary file.

More rows than settings.EXPORT_BACKGROUND_THRESHOLD (one COUNT decides) are not built in the request: `respond`
records an ExportJob and redirects to its progress page, and a Celery task (`build`) runs the same view again for
the same user with the same query string, so the list's filters and its authorisation apply exactly as on the
page when the file is made. In the task `respond` writes the rows to a temporary file in chunks (one UPDATE of
the progress per chunk) and saves it to the private storage; the owner downloads it until it expires.
"""

import csv
import gc
import io
import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from celery import current_app
from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import ExportJob
from .notifications import notify

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
CHUNK = 500
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable
    width: int = 16


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ …) is prefixed with ' so it stays text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _plain(value):
    """Values as a spreadsheet wants them: real numbers and dates, local times, text otherwise."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # local time, to the minute as the pages show it
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return local.replace(second=0, microsecond=0)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal | date):
        return value
    return defuse(str(value))


def _rows(rows: Iterable, columns: list[Column]):
    for obj in rows:
        yield [_plain(column.value(obj)) for column in columns]


def _iterate(queryset):
    """Iterate a queryset in chunks; prefetches survive with a chunk size (Django 4.1+)."""
    if hasattr(queryset, "iterator"):
        return queryset.iterator(chunk_size=CHUNK)
    return queryset


def csv_response(rows: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    def stream():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"  # BOM: Excel reads UTF-8
        writer.writerow([c.header for c in columns])
        for row in _rows(_iterate(rows), columns):
            writer.writerow(_csv_row(row))
            if buffer.tell() > 32_768:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    return response


def _csv_row(row: list) -> list:
    return [v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row]


def write_csv(spool, rows: Iterable, columns: list[Column], *, progress: Callable[[int], None] | None = None) -> int:
    """Write the rows as CSV (UTF-8 with BOM) into the binary file `spool`; returns the number of rows."""
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow([c.header for c in columns])
    count = 0
    for count, row in enumerate(_rows(_iterate(rows), columns), start=1):
        writer.writerow(_csv_row(row))
        if progress and count % CHUNK == 0:
            progress(count)
    text.flush()
    text.detach()  # leave `spool` open for the caller
    return count


def write_xlsx(
    spool, rows: Iterable, columns: list[Column], *, title: str, progress: Callable[[int], None] | None = None
) -> int:
    """Write the rows as one write-only sheet (constant memory) into the binary file `spool`; returns the count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, row in enumerate(_rows(_iterate(rows), columns), start=1):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
        if progress and count % CHUNK == 0:
            progress(count)
    workbook.save(spool)
    return count


def xlsx_response(rows: Iterable, columns: list[Column], filename: str, *, title: str = "") -> HttpResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    write_xlsx(spool, rows, columns, title=title or filename)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=CONTENT_TYPES["xlsx"])


def respond(request, *, rows, columns: list[Column], filename: str, title: str = ""):
    """The export the request asks for (?export=csv|xlsx), or None to render the page as usual.

    Above the threshold the export is queued and the answer is a redirect to its progress page; inside the task
    that builds it (the request carries `export_job`) the file is written to the storage.
    """
    fmt = request.GET.get("export")
    if fmt not in FORMATS:
        return None
    stamp = f"{filename}-{timezone.localdate():%Y%m%d}"
    if (job := getattr(request, "export_job", None)) is not None:
        return _write_job(job, rows, columns, title=title or stamp)
    if getattr(request.user, "is_authenticated", False):
        total = _count(rows)
        if total is not None and total > settings.EXPORT_BACKGROUND_THRESHOLD:
            job = queue(request, fmt=fmt, total=total, filename=stamp, title=title or filename)
            return redirect("export_job", pk=job.pk)
    if fmt == "csv":
        return csv_response(rows, columns, stamp)
    return xlsx_response(rows, columns, stamp, title=title)


def _count(rows) -> int | None:
    """How many rows an export would write: one COUNT for a queryset, the length of a list; None if unknown."""
    if isinstance(rows, QuerySet):
        return rows.count()
    try:
        return len(rows)
    except TypeError:
        return None


# -- background exports -------------------------------------------------------------------------------------


def queue(request, *, fmt: str, total: int, filename: str, title: str) -> ExportJob:
    """Record the export of the list at this request's path and query string, and hand it to a worker."""
    query = request.GET.copy()
    query.pop("page", None)  # an export has every row, whatever page was open
    job = ExportJob.objects.create(
        owner=request.user,
        title=title,
        filename=filename,
        format=fmt,
        path=request.path,
        query=query.urlencode(),
        rows_total=total,
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(pk: int) -> None:
    try:
        current_app.tasks["core.tasks.build_export"].delay(pk)  # by name: core.tasks imports this module
    except Exception:  # broker down: the job fails visibly instead of waiting for ever
        logger.exception("could not queue export job %s", pk)
        _fail(pk, "后台任务服务暂不可用，未能开始生成文件，请稍后重新导出。")


FAILED_GENERIC = "生成导出文件时出错，请稍后重新导出；如多次失败，请联系系统管理员。"
FAILED_REFUSED = "您已无权导出该列表（权限或范围已变化，或页面已不存在），未生成文件。"


def build(pk: int) -> str:
    """Build the file of export job `pk` (the Celery task's body); returns the job's final state.

    The job is claimed with a conditional UPDATE: a finished job is never built again, and a task delivered
    twice (a worker lost mid-run) writes the same file name again, so there is never a second file.
    """
    claimed = ExportJob.objects.filter(pk=pk, phase__in=[ExportJob.Phase.QUEUED, ExportJob.Phase.RUNNING]).update(
        phase=ExportJob.Phase.RUNNING, started_at=timezone.now(), rows_done=0
    )
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("owner").get(pk=pk)
    if not job.owner.is_active:
        return _fail(pk, FAILED_REFUSED)
    request = RequestFactory().get(job.again_url)
    request.user = job.owner
    request.export_job = job
    request.session = SessionBase()
    request._messages = FallbackStorage(request)
    try:
        match = resolve(job.path)
        response = match.func(request, *match.args, **match.kwargs)
    except (Http404, PermissionDenied, Resolver404):
        return _fail(pk, FAILED_REFUSED)
    except Exception:
        logger.exception("export job %s failed", pk)
        return _fail(pk, FAILED_GENERIC)
    if not getattr(response, "export_written", False):  # the view answered something else: a redirect, a 404
        return _fail(pk, FAILED_REFUSED)
    return ExportJob.Phase.DONE


def _write_job(job: ExportJob, rows, columns: list[Column], *, title: str) -> HttpResponse:
    """Write the export into a temporary file, chunk by chunk, then save it under the job's one name."""

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
        # A chunk's model instances hold reference cycles (their prefetch caches) that only a full collection
        # frees; left to the collector's thresholds they pile up with the rows. Once per chunk keeps memory flat.
        gc.collect()

    with tempfile.TemporaryFile() as spool:
        if job.format == "csv":
            count = write_csv(spool, rows, columns, progress=progress)
        else:
            count = write_xlsx(spool, rows, columns, title=title, progress=progress)
        size = spool.tell()
        spool.seek(0)
        storage = job.file.storage
        name = f"exports/{job.key.hex}.{job.format}"
        if storage.exists(name):  # a second delivery of the task replaces the first one's file
            storage.delete(name)
        name = storage.save(name, File(spool, name=name))
    now = timezone.now()
    done = ExportJob.objects.filter(pk=job.pk, phase=ExportJob.Phase.RUNNING).update(
        phase=ExportJob.Phase.DONE,
        file=name,
        size=size,
        rows_total=count,
        rows_done=count,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_TTL_HOURS),
        error="",
    )
    if done:
        _tell(
            job,
            title=f"导出文件已生成：{job.title}",
            body=f"共{count}行，{job.format.upper()}格式，有效期{settings.EXPORT_TTL_HOURS}小时。",
        )
    response = HttpResponse(status=201)
    response.export_written = True
    return response


def _fail(pk: int, message: str) -> str:
    job = ExportJob.objects.filter(pk=pk).select_related("owner").first()
    if job is None:
        return "skipped"
    updated = (
        ExportJob.objects.filter(pk=pk)
        .exclude(phase=ExportJob.Phase.DONE)
        .update(phase=ExportJob.Phase.FAILED, error=message, finished_at=timezone.now())
    )
    if updated:
        _tell(job, title=f"导出失败：{job.title}", body=message)
    return ExportJob.Phase.FAILED


def _tell(job: ExportJob, *, title: str, body: str) -> None:
    notify([job.owner], title=title, body=body, url=reverse("export_job", args=[job.pk]), dedupe_key=f"export-{job.pk}")


def my_exports(user) -> QuerySet[ExportJob]:
    """The user's own exports, newest first (the "my exports" page)."""
    return ExportJob.objects.filter(owner=user).only(
        "id", "title", "format", "phase", "rows_total", "rows_done", "size", "error", "created_at", "expires_at", "file"
    )


def own_job_or_404(user, pk) -> ExportJob:
    """The job if `user` made it; anyone else (other province staff too) gets 404, as for a missing one."""
    job = ExportJob.objects.filter(pk=pk, owner=user).first()
    if job is None:
        raise Http404("页面不存在。")
    return job


def delete_expired(*, now=None) -> int:
    """Delete the files of expired exports from the storage (the hourly sweep); returns how many were deleted."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file="").only("id", "file"):
        try:
            job.file.storage.delete(job.file.name)
        except Exception:  # the storage is unreachable: keep the name, the next sweep tries again
            logger.warning("could not delete expired export %s", job.file.name, exc_info=True)
            continue
        ExportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted
