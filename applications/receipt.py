"""The receipt (回执) of a submitted application, as a PDF in the embedded Chinese face (core.fonts): its
acceptance number, who applied, when, where it goes next, and the materials it carried (issue 15 (3))."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import fonts

from .models import Application


def render(app: Application, documents) -> bytes:
    face = fonts.registered()
    regular, bold = face["Regular"], face["Bold"]
    title = ParagraphStyle("title", fontName=bold, fontSize=18, leading=26, alignment=1, spaceAfter=8)
    body = ParagraphStyle("body", fontName=regular, fontSize=11, leading=17, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=regular, fontSize=10, leading=14, wordWrap="CJK")
    submitted = timezone.localtime(app.submitted_at)
    last = timezone.localtime(app.last_submitted_at or app.submitted_at)
    facts = [
        ("受理编号", app.acceptance_number),
        ("申报机构", app.institution.name),
        ("统一社会信用代码", app.institution.credit_code),
        ("申报批次", app.batch.name),
        ("首次提交时间", f"{submitted:%Y年%-m月%-d日 %H:%M}"),
        ("最近提交时间", f"{last:%Y年%-m月%-d日 %H:%M}"),
        ("审核推荐单位", app.recommender_name),
        ("当前状态", app.applicant_state_label),
    ]
    rows = [[Paragraph(escape(k), cell), Paragraph(escape(str(v or "—")), cell)] for k, v in facts]
    table = Table(rows, colWidths=[40 * mm, 120 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), regular),
            ]
        )
    )
    materials = [[Paragraph("佐证事项", cell), Paragraph("文件", cell)]] + [
        [Paragraph(escape(d.get_condition_display()), cell), Paragraph(escape(d.original_name), cell)]
        for d in documents
    ]
    listed = Table(materials, colWidths=[70 * mm, 90 * mm], repeatRows=1)
    listed.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), regular),
            ]
        )
    )
    story = [
        Paragraph("福建省省级专业技术人员继续教育基地申报回执", title),
        table,
        Spacer(1, 6 * mm),
        Paragraph(f"随申报提交的佐证材料（共{len(materials) - 1}份）：", body),
        Spacer(1, 2 * mm),
        listed,
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                f"您的申报已提交至{app.recommender_name}审核推荐（《福建省省级专业技术人员继续教育基地管理办法》第八条第三项），"
                "推荐后报省人力资源和社会保障厅审核、实地考察和认定（第八条第四项）。办理进度可凭受理编号在平台“我的申报”中查看。"
            ),
            body,
        ),
        Spacer(1, 10 * mm),
        Paragraph(escape(f"{settings.ISSUING_AUTHORITY}　继续教育基地管理平台"), body),
        Paragraph(escape(f"打印时间：{timezone.localtime():%Y年%-m月%-d日 %H:%M}"), body),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"申报回执 {app.acceptance_number}",
        author=settings.ISSUING_AUTHORITY,
        initialFontName=regular,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
    ).build(story)
    return buffer.getvalue()
