"""The plaque (匾牌, Art. 9) as a printable PDF certificate with a verification code and QR code."""

import io

import qrcode
from django.conf import settings
from django.urls import reverse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from core import fonts

from .models import Base

RED = colors.HexColor("#b3001b")


def verification_url(base: Base, request=None) -> str:
    """Where the plaque's QR code leads: the plaque check on the address the plaque was downloaded from
    (the host Django accepted for the request), or SITE_URL when rendered outside a request."""
    path = reverse("public:verify_code", args=[base.verification_code])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def render(base: Base, request=None) -> bytes:
    """A landscape A4 certificate: title, base name, register number, date, code and QR, in the embedded
    Chinese face of the decisions (core.fonts: Noto Sans SC, subset and embedded)."""
    face = fonts.registered()
    regular, bold = face["Regular"], face["Bold"]
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), initialFontName=regular)
    pdf.setTitle(f"{base.name} 匾牌 {base.register_number}")
    pdf.setAuthor("福建省人力资源和社会保障厅")

    pdf.setStrokeColor(RED)
    pdf.setLineWidth(4)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(1)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    pdf.setFillColor(RED)
    pdf.setFont(bold, 34)
    pdf.drawCentredString(width / 2, height - 55 * mm, "福建省省级专业技术人员继续教育基地")
    pdf.setFillColor(colors.black)
    pdf.setFont(bold, 26)
    pdf.drawCentredString(width / 2, height - 85 * mm, base.name)
    pdf.setFont(regular, 16)
    pdf.drawCentredString(width / 2, height - 105 * mm, f"编号：{base.register_number}")
    pdf.drawCentredString(width / 2, height - 117 * mm, f"认定日期：{base.recognised_on:%Y年%-m月%-d日}")
    pdf.setFont(regular, 18)
    pdf.drawRightString(width - 40 * mm, 45 * mm, "福建省人力资源和社会保障厅")
    pdf.setFont(regular, 14)
    pdf.drawRightString(width - 40 * mm, 36 * mm, f"{base.recognised_on:%Y年%-m月}")

    url = verification_url(base, request)
    image = qrcode.make(url, box_size=6, border=1).get_image()
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    pdf.drawImage(ImageReader(png), 30 * mm, 26 * mm, width=32 * mm, height=32 * mm)
    pdf.setFont(regular, 10)
    pdf.drawString(66 * mm, 46 * mm, f"验证码：{base.verification_code}")
    pdf.drawString(66 * mm, 40 * mm, "扫码或在平台“匾牌验证”页面输入验证码，")
    pdf.drawString(66 * mm, 34 * mm, "可核验真伪及基地当前状态。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
