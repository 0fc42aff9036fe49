"""The training sheet (issue 17, point 2): one row per trainee, with the class it belongs to named by the base's own
class code (班级编号) and described on each of its rows, so that one sheet — in Excel or CSV — carries classes
and trainees alike. Reading never writes: core.sheets parses the cells; this module adds the rules across rows
(one class, one description; one trainee once per class) and across a row (hours within the class's, the
assessment inside the class's dates); training.services.imports applies what is valid.
"""

from dataclasses import replace
from decimal import Decimal

from accounts.models import Region
from bases.models import ServiceForm
from core import pii, sheets
from core.sheets import Problem, Sheet

from .models import Mode, Result

MAX_ROWS = 20_000
SHEET_TITLE = "培训记录"

SERVICE_FORMS = {label: value for value, label in ServiceForm.choices}
MODES = {label: value for value, label in Mode.choices}
RESULTS = {label: value for value, label in Result.choices}


def _id_number(value) -> str:
    number = pii.normalise(sheets.text(value))
    if (error := pii.id_number_error(number)) is not None:
        raise ValueError(error)
    return number


def _hours(value) -> Decimal:
    hours = sheets.parse_decimal(value)
    if hours < 0:
        raise ValueError("学时不能为负数。")
    if hours != hours.quantize(Decimal("0.1")) or hours >= 100000:
        raise ValueError(f"「{sheets.text(value)}」不是有效学时（最多一位小数）。")
    return hours


def region_parser(regions: dict[str, int]):
    """A parser of a city's name (福州市, or 福州) into its Region's id."""

    def parse(value):
        name = sheets.text(value)
        found = regions.get(name) or regions.get(name + "市")  # shortened names are common: 福州 for 福州市
        if found is None:
            raise ValueError(f"「{name}」不是福建省的设区市，请填写如“福州市”“平潭综合实验区”。")
        return found

    return parse


CLASS_COLUMNS = (
    sheets.Column("班级编号", "record_id", required=True, max_length=64, example="2026-01", width=12),
    sheets.Column("培训班名称", "title", required=True, max_length=200, example="建筑信息模型应用研修班", width=28),
    sheets.Column(
        "服务形式",
        "service_form",
        required=True,
        parse=sheets.choice(SERVICE_FORMS, hint="请按模板下拉列表填写第十三条规定的服务形式。"),
        choices=(),  # the labels are too long for an Excel list (255 characters in all); the notes list them
        example=ServiceForm.PUBLIC_OR_PROFESSIONAL.label,
        width=30,
    ),
    sheets.Column("专业领域", "field", max_length=100, example="工程技术"),
    sheets.Column("开班日期", "starts_on", required=True, parse=sheets.parse_date, example="2026-03-02"),
    sheets.Column("结业日期", "ends_on", required=True, parse=sheets.parse_date, example="2026-03-06"),
    sheets.Column("班级总学时", "hours", required=True, parse=_hours, example=40),
    sheets.Column(
        "培训方式",
        "mode",
        required=True,
        parse=sheets.choice(MODES, hint="请填写“线下”“线上”或“线上线下结合”。"),
        choices=tuple(MODES),
        example="线下",
    ),
    sheets.Column("培训地点", "venue", max_length=200, example="福州市鼓楼区工业路523号", width=24),
    sheets.Column(
        "公益性培训",
        "is_public_benefit",
        required=True,
        parse=sheets.choice(sheets.YES_NO, hint="请填写“是”或“否”。"),
        choices=("是", "否"),
        example="否",
    ),
)
PARTICIPANT_COLUMNS = (
    sheets.Column("姓名", "name", required=True, max_length=50, example="张三", width=10),
    sheets.Column("身份证号码", "id_number", required=True, parse=_id_number, example="", width=22),
    sheets.Column("工作单位", "employer", max_length=200, example="福州市建筑设计院", width=24),
    sheets.Column("所在设区市", "region_id", parse=region_parser({}), example="福州市"),
    sheets.Column(
        "来自老区等地区",
        "from_priority_area",
        parse=sheets.choice(sheets.YES_NO, hint="请填写“是”或“否”（第十四条：革命老区、民族地区、欠发达地区）。"),
        choices=("是", "否"),
        example="否",
    ),
    sheets.Column("参训学时", "hours_attended", required=True, parse=_hours, example=40),
    sheets.Column(
        "考核结果",
        "result",
        parse=sheets.choice(RESULTS, hint="请填写“合格”“不合格”或“未考核”。"),
        choices=tuple(RESULTS),
        example="合格",
    ),
    sheets.Column("考核日期", "assessed_on", parse=sheets.parse_date, example="2026-03-06"),
)
COLUMNS = CLASS_COLUMNS + PARTICIPANT_COLUMNS
CLASS_KEYS = tuple(c.key for c in CLASS_COLUMNS)
NOTES = (
    "第一行为列标题，请勿修改、删除、增加列或调整列的顺序；第二行起每行一名学员，示例行请覆盖。也可另存为CSV文件导入（UTF-8或GBK编码）。",
    "同一培训班的学员填写相同的「班级编号」，并在每一行填写相同的培训班信息；班级编号由本基地自行编排，再次导入时据此找到已登记的培训班。",
    "服务形式（第十三条）请填写下列之一：" + "；".join(SERVICE_FORMS) + "。",
    "日期格式为2026-03-02；参训学时不能超过班级总学时；考核日期应在开班日期和结业日期之间。",
    "身份证号码按GB 11643校验，导入后加密保存，页面只显示掩码；同一培训班中同一身份证号码只能出现一次。",
    "再次导入同一文件不会改变任何记录：已登记的学员按「班级编号＋身份证号码」匹配，信息不同的才更新；表中没有的学员不会被移出。",
    "「来自老区等地区」指来自革命老区、民族地区、欠发达地区的学员（第十四条），用于统计其占比。",
)


def template(example_id_number: str = "") -> bytes:
    """An empty template: the headers, one example row and the instructions."""
    columns = tuple(replace(c, example=example_id_number) if c.key == "id_number" else c for c in COLUMNS)
    return sheets.template(columns=columns, title=SHEET_TITLE, notes=NOTES, max_rows=MAX_ROWS)


def read(fileobj, *, kind: str, on_progress=None) -> Sheet:
    """Read a filled sheet: every cell parsed, then the rules across rows; a row with any problem is rejected."""
    regions = {r.name: r.pk for r in Region.objects.only("pk", "name")}
    columns = tuple(replace(c, parse=region_parser(regions)) if c.key == "region_id" else c for c in COLUMNS)
    names = {pk: name for name, pk in regions.items()}
    result = sheets.read(
        fileobj,
        columns=columns,
        kind=kind,
        sheet_title=SHEET_TITLE,
        max_rows=MAX_ROWS,
        too_many=f"一次最多导入{MAX_ROWS}行，请分成多个文件导入。",
        strict_order=True,
        on_progress=on_progress,
    )
    if any(p.row == 1 for p in result.errors):
        return result
    classes: dict[str, dict] = {}  # record_id → the first row's class facts
    seen: dict[tuple[str, str], int] = {}  # (record_id, id number) → row
    for row in list(result.rows):
        problems = class_problems(row) or participant_problems(row)
        first = classes.setdefault(row["record_id"], row)
        if not problems and first is not row:
            differing = [c.header for c in CLASS_COLUMNS if first[c.key] != row[c.key]]
            if differing:
                problems = [
                    Problem(row["row"], name, f"与第{first['row']}行同一班级编号的培训班信息不一致。")
                    for name in differing
                ]
        key = (row["record_id"], row["id_number"])
        if not problems and key in seen:
            problems = [Problem(row["row"], "身份证号码", f"与第{seen[key]}行重复：同一学员在一个培训班只能填写一行。")]
        if problems:
            for problem in problems:
                sheets.reject(result, row["row"], problem)
            result.rejected.append({"row": row["row"], "cells": cells_of(row, names)})
            continue
        seen[key] = row["row"]
    result.errors.sort(key=lambda p: p.row)
    result.rejected.sort(key=lambda r: r["row"])
    return result


def class_problems(row) -> list[Problem]:
    """The rules across a class's cells (the import's and the API's): dates in order, hours, a venue offline."""
    number, problems = row["row"], []
    if row["ends_on"] < row["starts_on"]:
        problems.append(Problem(number, "结业日期", "结业日期不能早于开班日期。"))
    if row["hours"] <= 0:
        problems.append(Problem(number, "班级总学时", "班级总学时应大于0。"))
    if row["mode"] != Mode.ONLINE and not row["venue"]:
        problems.append(Problem(number, "培训地点", "线下或线上线下结合的培训班请填写培训地点。"))
    return problems


def participant_problems(row) -> list[Problem]:
    """The rules of a trainee against its class: hours within the class's, the assessment inside its dates."""
    number, problems = row["row"], []
    if row["hours_attended"] > row["hours"]:
        problems.append(Problem(number, "参训学时", f"参训学时超过班级总学时（{row['hours'].normalize():f}学时）。"))
    assessed = row["assessed_on"]
    if assessed and not (row["starts_on"] <= assessed <= row["ends_on"]):
        problems.append(
            Problem(
                number,
                "考核日期",
                f"考核日期应在开班日期（{row['starts_on']:%Y-%m-%d}）和结业日期（{row['ends_on']:%Y-%m-%d}）之间。",
            )
        )
    return problems


def cells_of(row: dict, region_names: dict[int, str] | None = None) -> list[str]:
    """A parsed row written back as its author would type it (for the file of returned rows)."""
    if region_names is None:
        region_names = dict(Region.objects.values_list("pk", "name"))
    return [_cell(row, column, region_names) for column in COLUMNS]


def _cell(row: dict, column: sheets.Column, region_names: dict[int, str]) -> str:
    """A parsed value written back as its author would type it."""
    value = row.get(column.key)
    if value is None or value == "":
        return ""
    if column.key == "region_id":
        return region_names[value]
    labels = {
        "service_form": ServiceForm,
        "mode": Mode,
        "result": Result,
    }
    if column.key in labels:
        return labels[column.key](value).label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d}"
    return str(value)
