"""A class's attendance and results sheet (签到及考核结果表, Art. 18) as a PDF in the embedded Chinese face
(core.fonts): the class's facts, then one row per participant with the ID number masked and an empty column
for the trainee's signature, the header row repeated and "第x页，共y页" on every page, for the base to print,
have signed, stamp and keep."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import fonts

from .models import TrainingClass
from .services import hours_text

MARGIN = 15 * mm
# 序号, 姓名, 身份证号码, 工作单位, 参训学时, 考核结果, 签名: 180 mm, the width of A4 between the margins
WIDTHS = [11 * mm, 22 * mm, 37 * mm, 46 * mm, 18 * mm, 18 * mm, 28 * mm]
GAP = "&nbsp;" * 8  # room to write a date by hand
HEADER = ["序号", "姓名", "身份证号码", "工作单位", "参训学时", "考核结果", "签名"]


def _numbered(title: str):
    """A canvas that writes the page number and the total on each page (the total is known only at the end)."""
    face = fonts.registered()["Regular"]

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(face, 9)
                self.setFillColor(colors.black)
                self.drawString(MARGIN, 8 * mm, title[:48])
                self.drawRightString(A4[0] - MARGIN, 8 * mm, f"第{self._pageNumber}页，共{total}页")
                super().showPage()
            super().save()

    return NumberedCanvas


def render(training_class: TrainingClass, participants) -> bytes:
    face = fonts.registered()
    regular, bold = face["Regular"], face["Bold"]
    title_style = ParagraphStyle("title", fontName=bold, fontSize=17, leading=24, alignment=1, spaceAfter=4)
    fact = ParagraphStyle("fact", fontName=regular, fontSize=10, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontName=bold, alignment=1)
    centred = ParagraphStyle("centred", parent=cell, alignment=1)
    base = training_class.base
    place = training_class.get_mode_display() + (f"（{training_class.venue}）" if training_class.venue else "")
    facts = [
        ("培训基地", f"{base.name}（{base.register_number}）"),
        (
            "培训班名称",
            training_class.title + (f"（班级编号：{training_class.record_id}）" if training_class.record_id else ""),
        ),
        ("服务形式", training_class.get_service_form_display()),
        ("培训时间", f"{training_class.starts_on:%Y年%-m月%-d日}至{training_class.ends_on:%Y年%-m月%-d日}"),
        ("总学时", hours_text(training_class.hours)),
        ("培训方式及地点", place),
    ]
    fact_rows = [[Paragraph(escape(k), fact), Paragraph(escape(v), fact)] for k, v in facts]
    fact_table = Table(fact_rows, colWidths=[32 * mm, 148 * mm])
    fact_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    rows = [[Paragraph(h, head) for h in HEADER]]
    count = 0
    for count, p in enumerate(participants, start=1):
        rows.append(
            [
                Paragraph(str(count), centred),
                Paragraph(escape(p.name), cell),
                Paragraph(escape(p.id_masked), cell),
                Paragraph(escape(p.employer or "—"), cell),
                Paragraph(hours_text(p.hours_attended), centred),
                Paragraph(escape(p.get_result_display()), centred),
                "",
            ]
        )
    table = Table(rows, colWidths=WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), regular),
                # about 10 mm a row: room to sign by hand
                ("TOPPADDING", (0, 1), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
            ]
        )
    )
    # three cells, not spaces in one line: a paragraph folds runs of (ideographic) spaces into one
    signatures = Table(
        [
            [
                Paragraph(text, fact)
                for text in ("培训基地（盖章）：", "负责人签字：", f"日期：{GAP * 2}年{GAP}月{GAP}日")
            ]
        ],
        colWidths=[60 * mm, 60 * mm, 60 * mm],
    )
    signatures.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), regular), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    story = [
        Paragraph("签到及考核结果表", title_style),
        Paragraph(
            escape("（《福建省省级专业技术人员继续教育基地管理办法》第十八条）"),
            ParagraphStyle("sub", parent=fact, alignment=1),
        ),
        Spacer(1, 4 * mm),
        fact_table,
        Spacer(1, 5 * mm),
        Paragraph(escape(f"学员共{count}人；身份证号码按个人信息保护要求掩码显示。"), fact),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 10 * mm),
        signatures,
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                f"打印时间：{timezone.localtime():%Y年%-m月%-d日 %H:%M}　{settings.ISSUING_AUTHORITY}继续教育基地管理平台"
            ),
            cell,
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"签到及考核结果表 {training_class.title}",
        author=base.name,
        initialFontName=regular,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story, canvasmaker=_numbered(f"{base.name} · {training_class.title}"))
    return buffer.getvalue()
