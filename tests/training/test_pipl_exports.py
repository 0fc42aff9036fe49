"""PIPL (issue 17, point 4) on files: every file of the training records that carries a full ID number is
logged with who, why and how many numbers, and reaches only the base itself and the province; the files
that only mask the numbers (the attendance sheet, the hours with masked numbers) log nothing; the
recommending unit gets no file with numbers at all."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from tests import factories
from tests.helpers import client_as
from training.models import IdNumberExport
from training.services import imports as training_imports

pytestmark = pytest.mark.django_db

RETURNED = factories.id_number(502)  # the row returned to fix: 99 hours in a class of 40


@pytest.fixture
def base():
    return factories.BaseFactory()


@pytest.fixture
def keeper_user(base):
    return factories.InstitutionUserFactory(institution=base.institution)


@pytest.fixture
def job(base, keeper_user):
    return training_imports.start_import(
        actor=keeper_user,
        base_id=base.pk,
        upload=factories.training_xlsx([factories.training_row(501), factories.training_row(502, hours=99)]),
        mode="valid_rows",
    )


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def cells_of(response) -> str:
    book = load_workbook(io.BytesIO(content_of(response)), read_only=True)
    return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)


def test_the_rows_returned_to_fix_carry_the_full_number_and_their_download_is_logged(job, keeper_user, client):
    keeper = client_as(keeper_user, client)

    response = keeper.get(reverse("training:import_rejected", args=[job.pk]))

    assert response.status_code == 200 and RETURNED in cells_of(response)
    (logged,) = IdNumberExport.objects.all()
    assert (logged.user, logged.id_count) == (keeper_user, 1)
    assert "退回" in logged.what and logged.reason


def test_the_province_downloading_them_is_logged_as_the_province(job, client):
    province_user = factories.UserFactory(role=Role.PROVINCE)

    response = client_as(province_user, client).get(reverse("training:import_rejected", args=[job.pk]))

    assert response.status_code == 200
    assert IdNumberExport.objects.get().user == province_user


@pytest.mark.parametrize(
    "outsider",
    [factories.RecommenderUserFactory, factories.InstitutionUserFactory, factories.InspectorUserFactory],
    ids=["recommender", "other institution", "inspector"],
)
def test_nobody_else_gets_the_returned_rows_and_nothing_is_logged(job, client, outsider):
    response = client_as(outsider(), client).get(reverse("training:import_rejected", args=[job.pk]))

    assert response.status_code == 404 and not IdNumberExport.objects.exists()


def test_the_recommending_unit_sees_its_bases_classes_with_masked_numbers_only(world, client):
    # the world of the permission matrix: its base was recommended by 福州's unit, `recommender_own`
    w = world
    number = factories.id_number(77)
    participant = factories.ParticipantFactory(training_class=w.training_class, number=number)
    recommender = client_as(w.users["recommender_own"], client)

    detail = recommender.get(reverse("training:class_detail", args=[w.training_class.pk])).content.decode()
    assert participant.id_masked in detail and number not in detail
    revealed = recommender.post(reverse("training:reveal_id", args=[participant.pk]), {"reason": "核对"})
    assert revealed.status_code == 404
    assert recommender.get(reverse("training:class_sheet_pdf", args=[w.training_class.pk])).status_code == 404
    assert recommender.get(reverse("training:import_rejected", args=[w.training_import.pk])).status_code == 404
    assert not IdNumberExport.objects.exists()


def test_the_attendance_sheet_masks_every_number_and_logs_nothing(base, keeper_user, client):
    training_class = factories.TrainingClassFactory(base=base)
    numbers = [factories.id_number(600 + n) for n in range(3)]
    for number in numbers:
        factories.ParticipantFactory(training_class=training_class, number=number)

    response = client_as(keeper_user, client).get(reverse("training:class_sheet_pdf", args=[training_class.pk]))

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert not any(number in text for number in numbers)
    assert all(f"{n[:4]}**********{n[-4:]}" in text for n in numbers)
    assert not IdNumberExport.objects.exists()


def test_every_file_with_a_full_number_wrote_a_log_row_and_every_masked_file_none(base, keeper_user, job, client):
    """A sweep over the training files: whichever carries a full number in a cell has a log row of its own."""
    training_class = factories.TrainingClassFactory(base=base)
    number = factories.id_number(88)
    factories.ParticipantFactory(training_class=training_class, number=number)
    province = client_as(factories.UserFactory(role=Role.PROVINCE))
    keeper = client_as(keeper_user, client)
    year = training_class.starts_on.year
    files = [
        ("returned rows", lambda: keeper.get(reverse("training:import_rejected", args=[job.pk])), RETURNED),
        ("template", lambda: keeper.get(reverse("training:import_template", args=[base.pk])), None),
        (
            "learning record",
            lambda: province.post(
                reverse("training:learning_record"), {"id_number": number, "reason": "证书", "export": "xlsx"}
            ),
            number,
        ),
        (
            "hours, full",
            lambda: province.post(
                reverse("training:learning_hours"), {"year": year, "full_numbers": "1", "reason": "证书"}
            ),
            number,
        ),
        (
            "hours, masked",
            lambda: province.post(reverse("training:learning_hours"), {"year": year, "full_numbers": "0"}),
            None,
        ),
    ]
    for label, fetch, full in files:
        before = IdNumberExport.objects.count()
        response = fetch()
        assert response.status_code == 200, label
        cells = cells_of(response)
        logged = IdNumberExport.objects.count() - before
        if full:
            assert full in cells and logged == 1, label
        else:
            assert number not in cells and RETURNED not in cells and logged == 0, label
