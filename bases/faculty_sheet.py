"""The faculty pool's xlsx template and the reading of a filled one, row by row (Art. 16, 7(3)).

Reading never writes: it turns the sheet into rows and a list of problems, each naming the row, the column
and the reason in Chinese; bases.services.faculty applies the rows only when there is no problem.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from applications.models import BACHELOR_OR_ABOVE, Degree

# header → (key, required); the order is the template's.
COLUMNS = {
    "姓名": ("name", True),
    "学历": ("degree", True),
    "职称": ("title", False),
    "专业领域": ("fields", False),
    "专职或兼职": ("full_time", True),
    "工作单位": ("employer", False),
    "讲授课程": ("courses", False),
    "入库日期": ("active_from", False),
}
MAX_LENGTHS = {"name": 50, "title": 50, "fields": 200, "employer": 200, "courses": 300}
MAX_ROWS = 2000

DEGREES = {label: value for value, label in Degree.choices} | {
    "博士": Degree.DOCTOR,
    "硕士": Degree.MASTER,
    "本科": Degree.BACHELOR,
    "专科": Degree.COLLEGE,
}
FULL_TIME = {"专职": True, "兼职": False}
SHEET_TITLE = "师资队伍"


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or, with row 1, the header)."""

    row: int
    column: str
    reason: str

    def __str__(self):
        where = f"第{self.row}行" + (f"「{self.column}」列" if self.column else "")
        return f"{where}：{self.reason}"


@dataclass
class Sheet:
    """The rows read from a filled template: {key: value} with the sheet row number under "row"."""

    rows: list[dict] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def template() -> bytes:
    """An empty template with the headers, one example row and a list of allowed values for 学历 and 专职或兼职."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.append(
        ["张三", "大学本科", "副教授", "工程技术", "兼职", "福州大学", "建筑信息模型（BIM）应用", "2025-01-01"]
    )
    for letter, width in zip("ABCDEFGH", (12, 14, 14, 20, 12, 28, 36, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    degrees = DataValidation(type="list", formula1='"' + ",".join(label for _, label in Degree.choices) + '"')
    kinds = DataValidation(type="list", formula1='"专职,兼职"')
    sheet.add_data_validation(degrees)
    sheet.add_data_validation(kinds)
    degrees.add(f"B2:B{MAX_ROWS + 1}")
    kinds.add(f"E2:E{MAX_ROWS + 1}")
    notes = book.create_sheet("填写说明")
    for line in (
        "第一行为列标题，请勿修改、删除或增加列；第二行起每行一名教师，示例行可覆盖。",
        "必填：姓名、学历、专职或兼职。学历填：博士研究生、硕士研究生、大学本科、大专或其他。",
        "第七条第三项：专（兼）职师资应当具备大学本科以上学历，低于本科的教师会被标记。",
        "入库日期格式为2025-01-01，不填则为导入当日（已在库的教师保持原日期）。",
        "再次导入时，按「姓名＋工作单位」匹配在库教师并更新其信息；表中没有的教师不会被移出，请在页面上办理退出。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    return datetime.strptime(text, "%Y-%m-%d").date()


def read(fileobj) -> Sheet:
    """Read a filled template; a header that is not the template's refuses the whole sheet."""
    result = Sheet()
    try:
        fileobj.seek(0)
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        result.errors.append(Problem(1, "", "无法读取该Excel文件，请使用本页提供的模板填写后上传。"))
        return result
    sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(lines, ())]
    while header and not header[-1]:
        header.pop()
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    for name in missing:
        result.errors.append(Problem(1, name, "缺少该列，请使用本页提供的模板，不要修改列标题。"))
    for name in unknown:
        result.errors.append(Problem(1, name or "（空白）", "无法识别的列标题，请使用本页提供的模板。"))
    for name in repeated:
        result.errors.append(Problem(1, name, "列标题重复。"))
    if result.errors:
        book.close()
        return result
    position = {name: header.index(name) for name in COLUMNS}
    seen: dict[tuple[str, str], int] = {}
    for number, values in enumerate(lines, start=2):
        cells = {name: (values[i] if i < len(values) else None) for name, i in position.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        if len(result.rows) >= MAX_ROWS:
            result.errors.append(Problem(number, "", f"一次最多导入{MAX_ROWS}名教师，请分批导入。"))
            break
        row = _read_row(number, cells, result)
        if row is None:
            continue
        key = (row["name"], row["employer"])
        if key in seen:
            result.errors.append(
                Problem(number, "姓名", f"与第{seen[key]}行的姓名和工作单位相同，同一名教师只能填写一行。")
            )
            continue
        seen[key] = number
        result.rows.append(row)
    book.close()
    return result


def _read_row(number: int, cells: dict, result: Sheet) -> dict | None:
    row, errors = {"row": number}, []
    for name, (key, required) in COLUMNS.items():
        raw = cells[name]
        text = _text(raw)
        if required and not text:
            errors.append(Problem(number, name, "此项为必填。"))
            continue
        if key == "degree":
            if text not in DEGREES:
                errors.append(
                    Problem(
                        number, name, f"「{text}」不是可选的学历，请填写博士研究生、硕士研究生、大学本科、大专或其他。"
                    )
                )
                continue
            row[key] = DEGREES[text]
            if row[key] not in BACHELOR_OR_ABOVE:
                result.warnings.append(
                    Problem(number, name, "学历低于大学本科，不符合第七条第三项的要求，导入后将在名单中标记。")
                )
        elif key == "full_time":
            if text not in FULL_TIME:
                errors.append(Problem(number, name, f"「{text}」无法识别，请填写“专职”或“兼职”。"))
                continue
            row[key] = FULL_TIME[text]
        elif key == "active_from":
            if not text:
                row[key] = None
                continue
            try:
                row[key] = _date(raw)
            except ValueError:
                errors.append(Problem(number, name, f"「{text}」不是有效日期，请按2025-01-01的格式填写。"))
                continue
            if row[key] > timezone.localdate():
                errors.append(Problem(number, name, "入库日期不能晚于今天。"))
        else:
            if len(text) > MAX_LENGTHS[key]:
                errors.append(Problem(number, name, f"不能超过{MAX_LENGTHS[key]}个字。"))
                continue
            row[key] = text
    result.errors.extend(errors)
    return None if errors else row
