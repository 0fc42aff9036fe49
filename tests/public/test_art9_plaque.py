"""Art. 9: the plaque (匾牌) PDF carries the base's name, number, date and a verification code; the public
verification page confirms a genuine plaque and tells the base's current status."""

import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from pypdf import PdfReader

from bases import plaque
from bases.models import Base, BaseStatus
from tests import factories
from tests.helpers import visible_text

from .conftest import page_title, published_base

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(p.extract_text() for p in reader.pages)


@pytest.fixture
def plaque_base(own_base):
    Base.objects.filter(pk=own_base.pk).update(
        year=2025, sequence=12, register_number="闽继教基地〔2025〕012号", recognised_on=date(2025, 7, 1)
    )
    own_base.refresh_from_db()
    return own_base


# -- the PDF ------------------------------------------------------------------------------------------


def test_plaque_is_a_pdf_download_with_name_number_date_and_code(client_as, institution_user, plaque_base):
    response = client_as(institution_user).get(reverse("bases:plaque", args=[plaque_base.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "福建省省级专业技术人员继续教育基地" in text
    assert plaque_base.name in text
    assert "编号：闽继教基地〔2025〕012号" in text
    assert "认定日期：2025年7月1日" in text
    assert f"验证码：{plaque_base.verification_code}" in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_plaque_file_name_carries_the_register_number(client_as, institution_user, plaque_base):
    response = client_as(institution_user).get(reverse("bases:plaque", args=[plaque_base.pk]))

    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E9%97%BD%E7%BB%A7%E6%95%99%E5%9F%BA%E5%9C%B0" in response["Content-Disposition"]  # 闽继教基地


def test_province_may_download_any_plaque(client_as, province_user, plaque_base):
    response = client_as(province_user).get(reverse("bases:plaque", args=[plaque_base.pk]))

    assert response.status_code == 200
    assert "闽继教基地〔2025〕012号" in pdf_text(response.content)


def test_plaque_of_another_institutions_base_is_404(client_as, other_institution_user, plaque_base):
    response = client_as(other_institution_user).get(reverse("bases:plaque", args=[plaque_base.pk]))

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")


def test_plaque_is_404_for_a_recommender_of_another_unit(client_as, xiamen_recommender, plaque_base):
    assert client_as(xiamen_recommender).get(reverse("bases:plaque", args=[plaque_base.pk])).status_code == 404


def test_plaque_asks_a_visitor_to_sign_in(visitor, plaque_base):
    response = visitor.get(reverse("bases:plaque", args=[plaque_base.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_plaque_qr_code_leads_to_the_verification_page_of_its_code(visitor, plaque_base, settings):
    settings.SITE_URL = "https://jxjy.example.gov.cn/"

    url = plaque.verification_url(plaque_base)

    assert url == f"https://jxjy.example.gov.cn/public/verify/{plaque_base.verification_code}/"
    response = visitor.get(urlsplit(url).path)
    assert "匾牌真实有效" in visible_text(response)


# -- the verification page -----------------------------------------------------------------------------


def test_genuine_code_is_confirmed_with_the_bases_facts(visitor, plaque_base):
    response = visitor.get(reverse("public:verify_code", args=[plaque_base.verification_code]))

    assert response.status_code == 200
    text = visible_text(response)
    assert "匾牌真实有效" in text
    assert plaque_base.name in text
    assert "闽继教基地〔2025〕012号" in text
    assert "2025年7月1日" in text
    assert "当前状态 正常" in text
    assert reverse("public:base", args=[plaque_base.pk]) in response.content.decode()


def test_code_typed_into_the_form_in_lower_case_with_spaces_is_found(visitor, plaque_base):
    response = visitor.get(reverse("public:verify"), {"code": f"  {plaque_base.verification_code.lower()} "})

    assert "匾牌真实有效" in visible_text(response)


def test_unknown_code_says_not_found(visitor, plaque_base):
    response = visitor.get(reverse("public:verify"), {"code": "ZZZZZZZZZZZZ"})

    text = visible_text(response)
    assert "未找到该验证码" in text
    assert "ZZZZZZZZZZZZ" in text
    assert "匾牌真实" not in text


def test_code_of_an_unpublished_base_says_not_found(visitor):
    hidden = factories.BaseFactory(published_at=None)

    text = visible_text(visitor.get(reverse("public:verify_code", args=[hidden.verification_code])))

    assert "未找到该验证码" in text
    assert hidden.name not in text


@pytest.mark.parametrize(("status", "label"), [(BaseStatus.REVOKED, "已撤销"), (BaseStatus.CANCELLED, "已取消")])
def test_code_of_a_revoked_or_cancelled_base_says_genuine_but_states_its_status(visitor, status, label):
    base = published_base()
    # Revocation itself arrives with a later issue; the status is set directly here.
    Base.objects.filter(pk=base.pk).update(status=status, status_changed_on=date(2026, 3, 2))

    text = visible_text(visitor.get(reverse("public:verify_code", args=[base.verification_code])))

    assert f"匾牌真实，但该基地资格{label}" in text
    assert f"当前状态 {label}（2026年3月2日起）" in text
    assert "匾牌真实有效" not in text


def test_code_of_a_rectifying_base_is_still_valid_and_says_rectifying(visitor):
    base = published_base(status=BaseStatus.RECTIFYING)

    text = visible_text(visitor.get(reverse("public:verify_code", args=[base.verification_code])))

    assert "匾牌真实有效" in text
    assert "当前状态 整改中" in text


def test_verify_form_without_a_code_asks_for_one(visitor):
    response = visitor.get(reverse("public:verify"), {"code": ""})

    assert response.status_code == 200
    assert "请输入匾牌上的验证码" in visible_text(response)
    assert "未找到" not in visible_text(response)
    assert page_title(response).startswith("匾牌验证")


def test_overlong_code_is_not_found_rather_than_an_error(visitor):
    response = visitor.get(reverse("public:verify_code", args=["X" * 200]))

    assert response.status_code == 200
    assert "未找到该验证码" in visible_text(response)


def test_a_plaque_the_portal_hands_out_always_verifies(client_as, visitor, institution_user):
    app = factories.ApplicationFactory(
        complete=True, institution=institution_user.institution, created_by=institution_user, state="approved"
    )
    recognised_not_yet_published = factories.BaseFactory(application=app, published_at=None)

    response = client_as(institution_user).get(reverse("bases:plaque", args=[recognised_not_yet_published.pk]))
    if response.status_code in (302, 404):
        assert not response.content.startswith(b"%PDF")
        return  # not issuing it before publication is the fix: the page explains why

    text = visible_text(
        visitor.get(reverse("public:verify_code", args=[recognised_not_yet_published.verification_code]))
    )
    assert "未找到该验证码" not in text


# -- the printed document (issue 15 (8)) ----------------------------------------------------------------


def poppler(tool: str) -> str:
    import shutil

    from tests.conftest import need

    found = shutil.which(tool)
    need(tool, found is not None, "install Debian's poppler-utils")
    return found


def test_the_plaque_embeds_its_chinese_face_and_its_text_can_be_extracted(
    client_as, institution_user, plaque_base, tmp_path
):
    import subprocess

    path = tmp_path / "plaque.pdf"
    path.write_bytes(client_as(institution_user).get(reverse("bases:plaque", args=[plaque_base.pk])).content)
    fonts = subprocess.run([poppler("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # every font embedded
    assert "STSong" not in fonts
    text = subprocess.run([poppler("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "福建省省级专业技术人员继续教育基地" in flat and plaque_base.name in flat


def test_the_plaques_qr_code_decodes_to_the_address_it_was_downloaded_from(
    client_as, institution_user, plaque_base, tmp_path
):
    import subprocess

    import zxingcpp
    from PIL import Image

    response = client_as(institution_user).get(
        reverse("bases:plaque", args=[plaque_base.pk]), HTTP_HOST="127.0.0.1:8123"
    )
    path = tmp_path / "plaque.pdf"
    path.write_bytes(response.content)
    subprocess.run([poppler("pdftoppm"), "-png", "-r", "200", str(path), str(tmp_path / "page")], check=True)
    (picture,) = tmp_path.glob("page*.png")
    codes = zxingcpp.read_barcodes(Image.open(picture))
    assert [c.text for c in codes] == [f"http://127.0.0.1:8123/public/verify/{plaque_base.verification_code}/"]


def test_the_public_base_page_links_the_plaque_check(visitor, plaque_base):
    from django.utils import timezone

    Base.objects.filter(pk=plaque_base.pk).update(published_at=timezone.now())
    page = visitor.get(reverse("public:base", args=[plaque_base.pk])).content.decode()
    assert reverse("public:verify") in page
