"""The faculty pool's xlsx template and the reading of a filled one, row by row (Art. 16, 7(3)).

Reading never writes: core.sheets turns the file into rows and problems, each naming the row, the column and the
reason in Chinese; this module adds the rules across a row (a degree below bachelor is flagged, one teacher one
row), and bases.services.faculty applies the rows only when there is no problem.
"""

from django.utils import timezone

from applications.models import BACHELOR_OR_ABOVE, Degree
from core import sheets
from core.sheets import Problem, Sheet  # noqa: F401 - the names the faculty service and its tests use

MAX_ROWS = 2000
SHEET_TITLE = "师资队伍"

DEGREES = {label: value for value, label in Degree.choices} | {
    "博士": Degree.DOCTOR,
    "硕士": Degree.MASTER,
    "本科": Degree.BACHELOR,
    "专科": Degree.COLLEGE,
}
FULL_TIME = {"专职": True, "兼职": False}


def _degree(value):
    text = sheets.text(value)
    if text not in DEGREES:
        raise ValueError(f"「{text}」不是可选的学历，请填写博士研究生、硕士研究生、大学本科、大专或其他。")
    return DEGREES[text]


def _joined_on(value):
    joined = sheets.parse_date(value)
    if joined > timezone.localdate():
        raise ValueError("入库日期不能晚于今天。")
    return joined


COLUMNS = (
    sheets.Column("姓名", "name", required=True, max_length=50, example="张三", width=12),
    sheets.Column(
        "学历",
        "degree",
        required=True,
        parse=_degree,
        choices=tuple(label for _, label in Degree.choices),
        example="大学本科",
    ),
    sheets.Column("职称", "title", max_length=50, example="副教授"),
    sheets.Column("专业领域", "fields", max_length=200, example="工程技术", width=20),
    sheets.Column(
        "专职或兼职",
        "full_time",
        required=True,
        parse=sheets.choice(FULL_TIME, hint="请填写“专职”或“兼职”。"),
        choices=tuple(FULL_TIME),
        example="兼职",
        width=12,
    ),
    sheets.Column("工作单位", "employer", max_length=200, example="福州大学", width=28),
    sheets.Column("讲授课程", "courses", max_length=300, example="建筑信息模型（BIM）应用", width=36),
    sheets.Column("入库日期", "active_from", parse=_joined_on, example="2025-01-01"),
)
NOTES = (
    "第一行为列标题，请勿修改、删除或增加列；第二行起每行一名教师，示例行可覆盖。",
    "必填：姓名、学历、专职或兼职。学历填：博士研究生、硕士研究生、大学本科、大专或其他。",
    "第七条第三项：专（兼）职师资应当具备大学本科以上学历，低于本科的教师会被标记。",
    "入库日期格式为2025-01-01，不填则为导入当日（已在库的教师保持原日期）。",
    "再次导入时，按「姓名＋工作单位」匹配在库教师并更新其信息；表中没有的教师不会被移出，请在页面上办理退出。",
)


def template() -> bytes:
    """An empty template with the headers, one example row and a list of allowed values for 学历 and 专职或兼职."""
    return sheets.template(columns=COLUMNS, title=SHEET_TITLE, notes=NOTES, max_rows=MAX_ROWS)


def read(fileobj) -> Sheet:
    """Read a filled template; a header that is not the template's refuses the whole sheet."""
    result = sheets.read(
        fileobj,
        columns=COLUMNS,
        sheet_title=SHEET_TITLE,
        max_rows=MAX_ROWS,
        too_many=f"一次最多导入{MAX_ROWS}名教师，请分批导入。",
    )
    seen: dict[tuple[str, str], int] = {}
    for row in list(result.rows):
        number = row["row"]
        key = (row["name"], row["employer"])
        if key in seen:
            sheets.reject(
                result,
                number,
                Problem(number, "姓名", f"与第{seen[key]}行的姓名和工作单位相同，同一名教师只能填写一行。"),
            )
            continue
        seen[key] = number
        if row["degree"] not in BACHELOR_OR_ABOVE:
            result.warnings.append(
                Problem(number, "学历", "学历低于大学本科，不符合第七条第三项的要求，导入后将在名单中标记。")
            )
    result.errors.sort(key=lambda p: p.row)
    return result
