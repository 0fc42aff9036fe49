"""Decision documents as PDF, laid out after GB/T 9704-2012 (党政机关公文格式) on A4, with the Chinese face
embedded (core/fonts.py): 发文机关标志, 发文字号, the red separator, 标题, 主送机关, 正文, 发文机关署名,
成文日期 and the seal's place, 附注, and the 版记 with its 抄送 and 印发 lines."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Paragraph, SimpleDocTemplate, Spacer

from . import fonts

RED = colors.HexColor("#c8102e")
# GB/T 9704: 天头 37 mm, 订口 28 mm; body text in 三号 (16 pt), 28 lines of 22 characters.
MARGINS = {"topMargin": 37 * mm, "bottomMargin": 35 * mm, "leftMargin": 28 * mm, "rightMargin": 26 * mm}


def _styles():
    face = fonts.registered()
    regular, bold = face["Regular"], face["Bold"]
    base = {"fontName": regular, "fontSize": 16, "leading": 28.9, "wordWrap": "CJK"}
    return {
        "masthead": ParagraphStyle(
            "masthead", fontName=bold, fontSize=26, leading=36, alignment=TA_CENTER, textColor=RED
        ),  # fmt: skip
        "number": ParagraphStyle("number", **{**base, "alignment": TA_CENTER}),
        "title": ParagraphStyle(
            "title",
            fontName=bold,
            fontSize=22,
            leading=33,
            alignment=TA_CENTER,
            wordWrap="CJK",
            spaceBefore=12,
            spaceAfter=18,
        ),  # fmt: skip
        "addressee": ParagraphStyle("addressee", **base),
        "body": ParagraphStyle("body", **{**base, "alignment": TA_JUSTIFY, "firstLineIndent": 32}),
        "signature": ParagraphStyle("signature", **{**base, "alignment": TA_RIGHT, "rightIndent": 64}),
        "note": ParagraphStyle("note", **{**base, "firstLineIndent": 32}),
        "record": ParagraphStyle("record", **{**base, "fontSize": 14, "leading": 24, "leftIndent": 14}),
    }


class SealPlace(Flowable):
    """Where the seal goes: a red circle over the signature block (印章 上不压正文、下压成文日期)."""

    def __init__(self, width: float):
        super().__init__()
        self.width, self.height = width, 0

    def draw(self):
        self.canv.setStrokeColor(RED)
        self.canv.setDash(3, 3)
        self.canv.circle(self.width - 42 * mm, 4 * mm, 21 * mm)


def _paragraphs(text: str, style) -> list:
    return [Paragraph(escape(line), style) for line in text.splitlines() if line.strip()]


def _page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont(fonts.registered()["Regular"], 14)
    canvas.drawCentredString(A4[0] / 2, 20 * mm, f"— {doc.page} —")
    canvas.restoreState()


def decision(decision, *, carbon_copy: str = "", remedies: str = "", disclosure: str = "（此件主动公开）") -> bytes:
    """The issued document of a `core.models.Decision` (before or after it is saved); an adverse decision
    states the party's `remedies`."""
    s = _styles()
    width = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
    authority = settings.ISSUING_AUTHORITY
    story = [
        Paragraph(escape(f"{authority}文件"), s["masthead"]),
        Spacer(1, 14 * mm),
        Paragraph(escape(decision.number), s["number"]),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=1.2, color=RED, spaceBefore=2, spaceAfter=8),
        Paragraph(escape(decision.title), s["title"]),
        Paragraph(escape(f"{decision.addressee}："), s["addressee"]),
        *_paragraphs(decision.facts, s["body"]),
        *_paragraphs(decision.body, s["body"]),
        Paragraph(escape(f"依据：{decision.measures_version}{decision.basis}。"), s["body"]),
        Paragraph(escape(f"本决定自{decision.effective_on:%Y年%-m月%-d日}起生效。"), s["body"]),
    ]
    if decision.adverse and remedies:
        story.append(Paragraph(escape(remedies), s["body"]))
    story += [
        Spacer(1, 18 * mm),
        SealPlace(width),
        Paragraph(escape(authority), s["signature"]),
        Paragraph(escape(f"{decision.decided_on:%Y年%-m月%-d日}"), s["signature"]),
        Spacer(1, 10 * mm),
        Paragraph(escape(disclosure), s["note"]),
        Spacer(1, 12 * mm),
        HRFlowable(width="100%", thickness=1, color=colors.black, spaceAfter=4),
    ]
    if carbon_copy:
        story += [
            Paragraph(escape(f"抄送：{carbon_copy}。"), s["record"]),
            HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceBefore=2, spaceAfter=4),
        ]
    story += [
        Paragraph(escape(f"{authority}办公室　　　　{decision.decided_on:%Y年%-m月%-d日}印发"), s["record"]),
        HRFlowable(width="100%", thickness=1, color=colors.black, spaceBefore=2),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{decision.number} {decision.title}",
        author=authority,
        subject=decision.get_kind_display(),
        # the canvas starts in the embedded face, so no standard (unembedded) font is ever referenced
        initialFontName=fonts.registered()["Regular"],
        **MARGINS,
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
