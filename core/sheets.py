"""Reading a filled template, row by row, from an Excel (.xlsx) or CSV file, and writing templates and returned
rows. Reading never writes: it turns the file into rows of parsed values and a list of problems, each naming the
row, the column and the reason in Chinese; the domain service decides what to apply.

A domain module describes its template as a tuple of `Column`s; a cell's parser raises `ValueError` with the
reason, which becomes the problem of that cell. Rows are read as a stream (openpyxl's read-only mode, the csv
module), so a large file is never held whole in memory beyond its parsed rows.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or, with row 1, the header; with column "", the whole row)."""

    row: int
    column: str
    reason: str

    def __str__(self):
        where = f"第{self.row}行" + (f"「{self.column}」列" if self.column else "")
        return f"{where}：{self.reason}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class Column:
    """One column of a template: its header, the key of its value, and how a cell becomes that value."""

    header: str
    key: str
    required: bool = False
    max_length: int | None = None
    # raw cell → value; raises ValueError(reason). None keeps the text.
    parse: Callable[[object], object] | None = None
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the template
    example: object = ""
    width: int = 14


@dataclass
class Sheet:
    """The rows read from a filled template: {key: value} with the sheet row number under "row", and the raw
    texts of each row under "cells" (to return a row to its author unchanged)."""

    rows: list[dict] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)  # rows with problems: {"row", "cells"}


UNREADABLE = "无法读取该文件，请使用本页提供的模板填写后上传。"
# The last column of a file of returned rows; ignored when the file comes back, so a fixed file imports as is.
PROBLEMS_COLUMN = "问题说明（导入时忽略本列）"


def text(value) -> str:
    """A cell as people read it: None is empty, 3.0 is "3", surrounding spaces go."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def parse_date(value) -> date:
    """2025-01-01, 2025/1/1, 2025.1.1, 2025年1月1日 or an Excel date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    cleaned = raw.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        return datetime.strptime(cleaned, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"「{raw}」不是有效日期，请按2025-01-01的格式填写。") from None


def parse_decimal(value) -> Decimal:
    raw = text(value)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"「{raw}」不是数字。") from None
    if not number.is_finite():
        raise ValueError(f"「{raw}」不是数字。")
    return number


def choice(mapping: dict[str, object], *, hint: str) -> Callable[[object], object]:
    """A parser accepting only the mapping's keys (as typed); `hint` says what may be written."""

    def parse(value):
        raw = text(value)
        if raw not in mapping:
            raise ValueError(f"「{raw}」无法识别，{hint}")
        return mapping[raw]

    return parse


YES_NO = {"是": True, "否": False}


def _lines(fileobj, *, kind: str, sheet_title: str | None) -> Iterator[tuple]:
    """The file's rows as tuples of raw cells; raises ValueError when the file cannot be read."""
    fileobj.seek(0)
    if kind == "csv":
        data = fileobj.read()
        for encoding in ("utf-8-sig", "gb18030"):  # what Excel saves as "CSV UTF-8" and as plain "CSV" in China
            try:
                decoded = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError("encoding")
        yield from (tuple(row) for row in csv.reader(io.StringIO(decoded)))
        return
    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ValueError("workbook") from error
    try:
        sheet = book[sheet_title] if sheet_title in book.sheetnames else book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def read(
    fileobj,
    *,
    columns: tuple[Column, ...],
    kind: str = "xlsx",
    sheet_title: str | None = None,
    max_rows: int,
    too_many: str,
    strict_order: bool = False,
    on_progress: Callable[[int], object] | None = None,
    progress_every: int = 500,
) -> Sheet:
    """Read a filled template. A header that is not the template's (a missing, unknown or repeated column, or
    with `strict_order` columns in another order) refuses the whole file; then each row is parsed, and a row with
    a problem is left out of `rows` and kept in `rejected`. `on_progress(rows read)` is called every
    `progress_every` rows."""
    result = Sheet()
    lines = _lines(fileobj, kind=kind, sheet_title=sheet_title)
    try:
        header = [text(v) for v in next(lines, ())]
    except ValueError:
        result.errors.append(Problem(1, "", UNREADABLE))
        return result
    while header and header[-1] in ("", PROBLEMS_COLUMN):
        header.pop()
    names = [c.header for c in columns]
    for name in names:
        if name not in header:
            result.errors.append(Problem(1, name, "缺少该列，请使用本页提供的模板，不要修改列标题。"))
    for name in header:
        if name not in names:
            result.errors.append(Problem(1, name or "（空白）", "无法识别的列标题，请使用本页提供的模板。"))
    for name in sorted({n for n in header if n and header.count(n) > 1}):
        result.errors.append(Problem(1, name, "列标题重复。"))
    if not result.errors and strict_order and header != names:
        result.errors.append(Problem(1, "", "列的顺序与模板不一致，请使用本页提供的模板，不要调整列的顺序。"))
    if result.errors:
        lines.close()
        return result
    position = {c.header: header.index(c.header) for c in columns}
    try:
        for number, values in enumerate(lines, start=2):
            cells = {name: (values[i] if i < len(values) else None) for name, i in position.items()}
            if all(text(v) == "" for v in cells.values()):
                continue
            read_so_far = len(result.rows) + len(result.rejected)
            if on_progress and read_so_far and read_so_far % progress_every == 0:
                on_progress(read_so_far)
            if read_so_far >= max_rows:
                result.errors.append(Problem(number, "", too_many))
                break
            row, problems = read_row(number, cells, columns)
            if problems:
                result.errors.extend(problems)
                result.rejected.append({"row": number, "cells": [text(cells[n]) for n in names]})
            else:
                result.rows.append(row)
    except ValueError:  # a CSV that stops being readable half-way
        result.errors.append(Problem(1, "", UNREADABLE))
    finally:
        lines.close()
    return result


def row_estimate(fileobj, *, kind: str) -> int:
    """About how many rows a file holds below its header, cheaply (for a progress bar before reading): the CSV's
    line count, or the dimension an Excel file declares at the head of its first sheet (0 when it declares none;
    openpyxl would read the whole sheet to find out)."""
    fileobj.seek(0)
    rows = 0
    if kind == "csv":
        rows = fileobj.read().count(b"\n")
    else:
        try:
            with zipfile.ZipFile(fileobj) as package:
                name = next((n for n in package.namelist() if n.startswith("xl/worksheets/sheet")), None)
                if name:
                    with package.open(name) as part:
                        head = part.read(4096).decode("utf-8", "replace")
                    found = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
                    rows = int(found.group(1)) if found else 0
        except (zipfile.BadZipFile, OSError, ValueError):
            rows = 0
    fileobj.seek(0)
    return max(rows - 1, 0)


def read_row(number: int, cells: dict, columns: Iterable[Column]) -> tuple[dict, list[Problem]]:
    """One row's cells ({header: raw value}) parsed by its columns: the values, and the problems of its cells."""
    row, problems = {"row": number}, []
    for column in columns:
        raw = cells[column.header]
        value = text(raw)
        if not value:
            if column.required:
                problems.append(Problem(number, column.header, "此项为必填。"))
            row[column.key] = None if column.parse else ""
            continue
        if column.max_length and len(value) > column.max_length:
            problems.append(Problem(number, column.header, f"不能超过{column.max_length}个字。"))
            continue
        if column.parse is None:
            row[column.key] = value
            continue
        try:
            row[column.key] = column.parse(raw)
        except ValueError as error:
            problems.append(Problem(number, column.header, str(error)))
    return row, problems


def reject(sheet: Sheet, number: int, problem: Problem) -> None:
    """Move an accepted row back out, for a problem found across rows (a duplicate, a rule of the domain)."""
    sheet.errors.append(problem)
    for i, row in enumerate(sheet.rows):
        if row["row"] == number:
            del sheet.rows[i]
            return


def template(*, columns: tuple[Column, ...], title: str, notes: Iterable[str], max_rows: int) -> bytes:
    """An empty template: bold headers, one example row, drop-down lists for columns with choices, and a sheet
    of instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = column.width
        if column.choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"')
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{max_rows + 1}")
    instructions = book.create_sheet("填写说明")
    for line in notes:
        instructions.append([line])
    instructions.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def returned_rows(*, columns: tuple[Column, ...], title: str, rows: list[dict], problems: list[Problem]) -> bytes:
    """The rows sent back to fix: the template's columns as typed, plus a last column with each row's problems."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(
            f"{problem.column}：{problem.reason}" if problem.column else problem.reason
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([c.header for c in columns] + [PROBLEMS_COLUMN])
    for row in rows:
        sheet.append(row["cells"] + ["；".join(reasons.get(row["row"], []))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
