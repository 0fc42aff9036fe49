"""Art. 18 attendance and results sheet (签到及考核结果表): a base prints a class's sheet as a PDF in the embedded
Chinese face, with the class's facts, one numbered row per participant (ID number masked, a blank column to
sign), and page numbers; the province may print it too; another base, a recommender and anyone else get 404."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from tests import factories
from tests.helpers import client_as, get_ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def training_class():
    base = factories.BaseFactory(name="福州工程技术继续教育基地")
    return factories.TrainingClassFactory(
        base=base,
        title="工程项目管理专业科目培训班",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 4),
        hours=24,
        venue="福州市鼓楼区培训楼",
        record_id="FZ-2026-07",
    )


@pytest.fixture
def keeper(training_class, client):
    return client_as(factories.InstitutionUserFactory(institution=training_class.base.institution), client)


def text_of(response) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_url_is_the_one_the_issue_names(training_class):
    assert reverse("training:class_sheet_pdf", args=[training_class.pk]) == f"/training/{training_class.pk}/sheet.pdf"


def test_the_base_prints_the_sheet_with_the_class_and_its_participants_numbers_masked(training_class, keeper):
    number = factories.id_number(18)
    factories.ParticipantFactory(
        training_class=training_class, name="林学员", number=number, employer="福建省建筑设计研究院", hours_attended=20
    )
    factories.ParticipantFactory(training_class=training_class, name="陈学员", result="failed")

    response = get_ok(keeper, reverse("training:class_sheet_pdf", args=[training_class.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    _, text = text_of(response)
    for shown in (
        "签到及考核结果表",
        "福州工程技术继续教育基地",
        "工程项目管理专业科目培训班",
        "2026年3月2日至2026年3月4日",
        "福州市鼓楼区培训楼",
        "序号",
        "工作单位",
        "参训学时",
        "考核结果",
        "签名",
        "林学员",
        "福建省建筑设计研究院",
        f"{number[:4]}**********{number[-4:]}",
        "不合格",
        "第1页，共1页",
    ):
        assert shown in text, shown
    assert number not in text


def test_the_face_is_embedded_and_no_standard_font_is_referenced(training_class, keeper):
    factories.ParticipantFactory(training_class=training_class)

    reader, _ = text_of(get_ok(keeper, reverse("training:class_sheet_pdf", args=[training_class.pk])))

    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts and all("NotoSansSC" in name for name in fonts)
    for font in fonts.values():
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_a_long_class_runs_over_pages_each_numbered_and_with_every_row(training_class, keeper):
    for n in range(60):
        factories.ParticipantFactory(training_class=training_class, name=f"学员{n:02d}号")

    reader, text = text_of(get_ok(keeper, reverse("training:class_sheet_pdf", args=[training_class.pk])))

    pages = len(reader.pages)
    assert pages >= 2
    assert f"第{pages}页，共{pages}页" in text and f"第1页，共{pages}页" in text
    assert all(f"学员{n:02d}号" in text for n in range(60))
    assert reader.pages[1].extract_text().count("序号") == 1  # the header row repeats on each page


def test_the_province_prints_it_too(training_class, client):
    province = client_as(factories.UserFactory(role=Role.PROVINCE), client)

    response = province.get(reverse("training:class_sheet_pdf", args=[training_class.pk]))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "outsider",
    [
        lambda c: factories.InstitutionUserFactory(),  # another base's institution
        lambda c: factories.RecommenderUserFactory(),  # recommenders see classes, not the sheet
        lambda c: factories.InspectorUserFactory(),
    ],
    ids=["other base", "recommender", "inspector"],
)
def test_nobody_else_gets_the_sheet(training_class, client, outsider):
    other = client_as(outsider(training_class), client)

    assert other.get(reverse("training:class_sheet_pdf", args=[training_class.pk])).status_code == 404


def test_another_bases_class_is_not_found_for_the_base(keeper, training_class):
    foreign = factories.TrainingClassFactory()

    assert keeper.get(reverse("training:class_sheet_pdf", args=[foreign.pk])).status_code == 404


def test_the_class_page_links_to_the_sheet_for_those_who_may_print_it(training_class, keeper, client):
    url = reverse("training:class_sheet_pdf", args=[training_class.pk])
    page = get_ok(keeper, reverse("training:class_detail", args=[training_class.pk])).content.decode()
    assert url in page and "打印签到及考核结果表" in page

    recommender = client_as(factories.RecommenderUserFactory(), client)
    # the recommending unit of this base may read the class page (see the permission matrix), but not print
    response = recommender.get(reverse("training:class_detail", args=[training_class.pk]))
    assert url not in response.content.decode()
