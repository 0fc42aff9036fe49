"""Every list exports what it shows, with its filters, to .xlsx and CSV.

A list view passes its filtered queryset and column spec to `respond`; with `?export=csv` the rows
stream (constant memory), with `?export=xlsx` openpyxl writes in write-only mode to a temporary file.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
CHUNK = 500


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
            writer.writerow([v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row])
            if buffer.tell() > 32_768:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    return response


def xlsx_response(rows: Iterable, columns: list[Column], filename: str, *, title: str = "") -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or filename)[:31])
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
    for row in _rows(_iterate(rows), columns):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def respond(request, *, rows, columns: list[Column], filename: str, title: str = ""):
    """The export the request asks for (?export=csv|xlsx), or None to render the page as usual."""
    fmt = request.GET.get("export")
    if fmt not in FORMATS:
        return None
    stamp = f"{filename}-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        return csv_response(rows, columns, stamp)
    return xlsx_response(rows, columns, stamp, title=title)
