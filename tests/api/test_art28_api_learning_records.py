"""A trainee's learning record through the API (Art. 28): the province's read token finds, by ID number, the
classes and hours of a professional at every base, in a fixed number of queries; a base's token is refused."""

import pytest
from django.test import Client

from api import services
from api.models import ApiToken as Token
from core import pii
from tests import factories
from training.models import PiiDisclosure

pytestmark = pytest.mark.django_db

QUERY = "/api/v1/learning-records/query"


def post(secret: str, body: dict):
    return Client().post(QUERY, body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def province_secret(province_user):
    return services.create_token(actor=province_user, province=True, name="省级平台")[1]


def test_the_province_reads_a_trainees_classes_and_hours_across_bases(province_secret, django_assert_num_queries):
    number = factories.id_number(5)
    for hours, base_name in ((24, "甲基地"), (16, "乙基地")):
        training_class = factories.TrainingClassFactory(base__name=base_name, record_id=f"R{hours}")
        factories.ParticipantFactory(training_class=training_class, number=number, hours_attended=hours)
    factories.ParticipantFactory()  # someone else
    # the token, its last use, the record, and the PIPL log in its savepoint
    with django_assert_num_queries(6):
        answer = post(province_secret, {"id_number": number.lower()[:-1] + number[-1].lower()})
    assert answer.status_code == 200, answer.content
    record = answer.json()
    assert record["id_masked"] == "3501**********" + number[-4:]
    assert float(record["total_hours"]) == 40
    assert sorted(c["base_name"] for c in record["classes"]) == ["乙基地", "甲基地"]
    assert number not in answer.content.decode()
    # the answer tells where the person trained: each class found is logged against the token (PIPL)
    logged = PiiDisclosure.objects.filter(participant__id_fingerprint=pii.fingerprint(number))
    assert logged.count() == 2
    creator = Token.objects.get(name="省级平台").created_by_id
    assert all("省级平台" in row.reason and row.user_id == creator for row in logged)


def test_a_trainee_without_records_has_an_empty_record(province_secret):
    answer = post(province_secret, {"id_number": factories.id_number(9)}).json()
    assert answer["classes"] == [] and float(answer["total_hours"]) == 0


def test_an_invalid_id_number_answers_422_with_the_reason(province_secret):
    answer = post(province_secret, {"id_number": "35010219850317001"})
    assert answer.status_code == 422
    assert answer.json() == {"detail": "身份证号码应为18位：前17位为数字，最后一位为数字或X。"}


def test_a_base_token_may_not_read_learning_records(institution_user):
    base = factories.BaseFactory(institution=institution_user.institution)
    secret = services.create_token(actor=institution_user, base_id=base.pk, name="基地系统")[1]
    participant = factories.ParticipantFactory(training_class__base=base, number=factories.id_number(3))
    refused = post(secret, {"id_number": factories.id_number(3)})
    assert refused.status_code == 403
    assert "省级只读令牌" in refused.json()["detail"]
    assert participant.name not in refused.content.decode()


def test_the_id_number_travels_in_the_body_not_in_the_address():
    from api.v1 import api

    operation = api.get_openapi_schema()["paths"][QUERY]
    assert set(operation) == {"post"}
    assert not operation["post"].get("parameters")
