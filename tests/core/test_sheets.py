"""The kernel's reader of filled templates (core/sheets.py): xlsx and CSV alike, header checks, cell parsers,
and the file of returned rows that imports again once fixed."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from core import sheets

COLUMNS = (
    sheets.Column("姓名", "name", required=True, max_length=4),
    sheets.Column("学时", "hours", required=True, parse=sheets.parse_decimal),
    sheets.Column("日期", "day", parse=sheets.parse_date),
    sheets.Column("公益", "free", parse=sheets.choice(sheets.YES_NO, hint="请填写“是”或“否”。")),
)


def xlsx(*rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def csv_file(text: str, encoding: str) -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def read(fileobj, kind="xlsx", **options):
    return sheets.read(fileobj, columns=COLUMNS, kind=kind, max_rows=3, too_many="太多了。", **options)


def test_cells_become_values_and_bad_cells_name_their_row_column_and_reason():
    sheet = read(
        xlsx(
            ["姓名", "学时", "日期", "公益"],
            ["张三", 8, date(2026, 3, 1), "是"],
            ["李四", "八", "2026年3月2日", "也许"],
            [None, None, None, None],  # blank rows are skipped
            ["王五五五五", 2, "2026/3/40", ""],
        )
    )
    assert sheet.rows == [{"row": 2, "name": "张三", "hours": Decimal(8), "day": date(2026, 3, 1), "free": True}]
    assert [str(p) for p in sheet.errors] == [
        "第3行「学时」列：「八」不是数字。",
        "第3行「公益」列：「也许」无法识别，请填写“是”或“否”。",
        "第5行「姓名」列：不能超过4个字。",
        "第5行「日期」列：「2026/3/40」不是有效日期，请按2025-01-01的格式填写。",
    ]
    assert [r["row"] for r in sheet.rejected] == [3, 5]
    assert sheet.rejected[0]["cells"] == ["李四", "八", "2026年3月2日", "也许"]


def test_csv_in_utf8_with_bom_and_in_gb18030_read_the_same():
    text = "姓名,学时,日期,公益\r\n张三,8,2026-03-01,否\r\n"
    for encoding in ("utf-8-sig", "gb18030"):
        sheet = read(csv_file(text, encoding), kind="csv")
        assert not sheet.errors, encoding
        assert sheet.rows[0]["name"] == "张三" and sheet.rows[0]["free"] is False


def test_a_header_not_the_templates_refuses_the_whole_file():
    sheet = read(xlsx(["姓名", "课时", "日期", "公益", "公益"], ["张三", 8, None, None, None]))
    assert [str(p) for p in sheet.errors] == [
        "第1行「学时」列：缺少该列，请使用本页提供的模板，不要修改列标题。",
        "第1行「课时」列：无法识别的列标题，请使用本页提供的模板。",
        "第1行「公益」列：列标题重复。",
    ]
    assert sheet.rows == []


def test_columns_in_another_order_are_refused_only_when_the_order_is_strict():
    moved = xlsx(["学时", "姓名", "日期", "公益"], [8, "张三", None, None])
    assert read(moved).rows[0]["name"] == "张三"
    moved.seek(0)
    sheet = read(moved, strict_order=True)
    assert [p.reason for p in sheet.errors] == ["列的顺序与模板不一致，请使用本页提供的模板，不要调整列的顺序。"]


def test_a_file_that_is_no_spreadsheet_is_one_clear_problem():
    for kind, data in (("xlsx", b"%PDF-1.4 not a workbook"), ("csv", "\ufffe".encode("utf-16") * 3 + b"\xff\xfe\x00")):
        sheet = read(io.BytesIO(data), kind=kind)
        assert [p.reason for p in sheet.errors] == [sheets.UNREADABLE], kind


def test_more_rows_than_allowed_stop_with_the_callers_message():
    sheet = read(xlsx(["姓名", "学时", "日期", "公益"], *[[f"人{i}", 1, None, None] for i in range(5)]))
    assert [str(p) for p in sheet.errors] == ["第5行：太多了。"]


def test_returned_rows_carry_their_problems_and_import_again_once_fixed():
    sheet = read(xlsx(["姓名", "学时", "日期", "公益"], ["张三", "八", None, None]))
    returned = sheets.returned_rows(columns=COLUMNS, title="学员", rows=sheet.rejected, problems=sheet.errors)
    book = load_workbook(io.BytesIO(returned))
    rows = [[c.value for c in row] for row in book["学员"].iter_rows()]
    assert rows[1][-1] == "学时：「八」不是数字。"
    book["学员"]["B2"] = 8  # the author fixes the cell and sends the file back as it is
    fixed = io.BytesIO()
    book.save(fixed)
    again = read(fixed)
    assert not again.errors and again.rows[0]["hours"] == Decimal(8)


def test_the_template_offers_its_choices_as_a_list():
    book = load_workbook(
        io.BytesIO(
            sheets.template(
                columns=(sheets.Column("公益", "free", choices=("是", "否"), example="是"),),
                title="表",
                notes=["说明"],
                max_rows=10,
            )
        )
    )
    assert [c.value for c in book["表"][1]] == ["公益"]
    assert book["表"].data_validations.dataValidation[0].formula1 == '"是,否"'
    assert book["填写说明"]["A1"].value == "说明"
