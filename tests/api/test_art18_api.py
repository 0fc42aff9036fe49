"""The versioned JSON API (issue 17, point 3; Art. 18): from a token created on the token page to classes and
participants pushed in batches and read back; idempotent by the caller's record ids, validated item by item with
the import's rules, rate-limited, and never showing another base's records. Errors are JSON, in Chinese."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api import services
from bases.models import BaseStatus
from core import pii
from tests import factories
from training.models import Participant, TrainingClass

pytestmark = pytest.mark.django_db

CLASSES, CLASS = "/api/v1/classes", "/api/v1/classes/{}"
PARTICIPANTS = "/api/v1/classes/{}/participants"


def klass(record_id="2026-01", **values) -> dict:
    return {
        "record_id": record_id,
        "title": "建筑信息模型应用研修班",
        "service_form": "public_or_professional",
        "field": "工程技术",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-06",
        "hours": 40,
        "mode": "offline",
        "venue": "福州市鼓楼区工业路523号",
        "is_public_benefit": False,
        **values,
    }


def trainee(n: int, **values) -> dict:
    return {
        "record_id": f"P{n}",
        "name": f"学员{n}",
        "id_number": factories.id_number(n),
        "employer": "福州市建筑设计院",
        "city": "福州市",
        "from_priority_area": False,
        "hours_attended": 40,
        "result": "passed",
        "assessed_on": "2026-03-06",
        **values,
    }


class Caller:
    """A client of the API holding a bearer token."""

    def __init__(self, secret: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, body):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(url, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def caller(base, keeper):
    return Caller(services.create_token(actor=keeper, base_id=base.pk, name="学时对接系统")[1])


@pytest.fixture
def province_caller(province_user):
    return Caller(services.create_token(actor=province_user, province=True, name="省级平台")[1])


def statuses(response) -> list[str]:
    return [item["status"] for item in response.json()["items"]]


# -- end to end -----------------------------------------------------------------------------------------------


def test_a_base_creates_a_token_on_its_page_pushes_a_class_and_trainees_and_reads_them_back(client_as, base, keeper):
    html = client_as(keeper).post(reverse("api:token_new"), {"base": base.pk, "name": "学时对接系统"}).content.decode()
    secret = html.split('id="api-token-secret" type="text" value="')[1].split('"')[0]
    caller = Caller(secret)

    pushed = caller.post(CLASSES, {"items": [klass()]})
    assert pushed.status_code == 200, pushed.content
    assert pushed.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "items": [{"record_id": "2026-01", "status": "created", "errors": []}],
    }
    stored = TrainingClass.objects.get()
    assert (stored.base, stored.record_id, stored.hours, stored.mode) == (base, "2026-01", Decimal("40"), "offline")
    assert stored.history.get().history_change_reason.startswith("接口：学时对接系统")

    answer = caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1), trainee(2, result="failed")]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] == 2
    assert answer.json()["items"][0]["id_masked"] == pii.mask(factories.id_number(1))
    first = Participant.objects.get(record_id="P1")
    assert pii.unseal(first.id_number_sealed) == factories.id_number(1)
    assert factories.id_number(1) not in first.id_masked
    assert first.history.get().history_user == keeper  # the token's creator answers for what it pushed

    read = caller.get(CLASS.format("2026-01"))
    assert read.status_code == 200
    assert read.json()["participant_count"] == 2 and read.json()["title"] == "建筑信息模型应用研修班"
    listing = caller.get(PARTICIPANTS.format("2026-01"), page_size=1)
    assert listing.json()["count"] == 2 and len(listing.json()["items"]) == 1
    assert listing.json()["items"][0]["name"] == "学员1" and listing.json()["items"][0]["city"] == "福州市"
    second = caller.get(PARTICIPANTS.format("2026-01"), page_size=1, page=2).json()["items"]
    assert [p["result"] for p in second] == ["failed"]
    assert factories.id_number(1) not in listing.content.decode()  # masked only
    assert factories.id_number(2) not in caller.get(PARTICIPANTS.format("2026-01")).content.decode()


def test_pushing_the_same_batch_again_changes_nothing_and_says_unchanged(caller):
    caller.post(CLASSES, {"items": [klass()]})
    caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1), trainee(2)]})
    histories = TrainingClass.history.count(), Participant.history.count()

    assert statuses(caller.post(CLASSES, {"items": [klass()]})) == ["unchanged"]
    again = caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1), trainee(2)]})
    assert again.json()["unchanged"] == 2 and statuses(again) == ["unchanged", "unchanged"]
    assert (TrainingClass.history.count(), Participant.history.count()) == histories

    changed = caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1, hours_attended=32), trainee(2)]})
    assert statuses(changed) == ["updated", "unchanged"]
    assert Participant.objects.get(record_id="P1").hours_attended == Decimal("32")
    assert statuses(caller.post(CLASSES, {"items": [klass(title="BIM研修班")]})) == ["updated"]
    assert TrainingClass.objects.get().title == "BIM研修班"


def test_a_trainee_is_found_again_by_the_callers_record_id_when_its_id_number_is_corrected(caller):
    caller.post(CLASSES, {"items": [klass()]})
    caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1)]})
    corrected = caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1, id_number=factories.id_number(7))]})
    assert statuses(corrected) == ["updated"]
    stored = Participant.objects.get()
    assert stored.id_fingerprint == pii.fingerprint(factories.id_number(7))
    assert pii.unseal(stored.id_number_sealed) == factories.id_number(7)


# -- item by item, with the import's rules ------------------------------------------------------------------


def test_each_item_is_checked_with_the_imports_rules_the_valid_ones_written_the_others_rejected(caller):
    answer = caller.post(
        CLASSES,
        {
            "items": [
                klass("A"),
                klass("B", ends_on="2026-03-01"),
                klass("C", service_form="夜校"),
                klass("D", venue=""),
                klass("A"),
                klass("E", starts_on="2026-13-01", title=""),
            ]
        },
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["created"], body["rejected"]) == (1, 5)
    items = body["items"]
    assert items[1]["errors"] == [{"field": "ends_on", "label": "结业日期", "reason": "结业日期不能早于开班日期。"}]
    assert items[2]["errors"][0]["field"] == "service_form" and "服务形式代码" in items[2]["errors"][0]["reason"]
    assert items[3]["errors"][0]["field"] == "venue"
    assert items[4]["errors"][0]["reason"] == "与本批第1项的班级编号重复。"
    assert {e["field"] for e in items[5]["errors"]} == {"title", "starts_on"}
    assert list(TrainingClass.objects.values_list("record_id", flat=True)) == ["A"]


def test_trainees_with_an_invalid_id_number_too_many_hours_or_an_assessment_outside_the_class_are_rejected(caller):
    caller.post(CLASSES, {"items": [klass()]})
    wrong_check_digit = factories.id_number(3)[:17] + ("0" if factories.id_number(3)[17] != "0" else "1")
    answer = caller.post(
        PARTICIPANTS.format("2026-01"),
        {
            "items": [
                trainee(1),
                trainee(2, hours_attended=41),
                trainee(3, id_number=wrong_check_digit),
                trainee(4, assessed_on="2026-04-01"),
                trainee(5, id_number=factories.id_number(1), record_id="P5"),
                trainee(6, city="上海市"),
            ]
        },
    )
    items = answer.json()["items"]
    assert statuses(answer) == ["created", *["rejected"] * 5]
    assert items[1]["errors"] == [
        {"field": "hours_attended", "label": "参训学时", "reason": "参训学时超过班级总学时（40学时）。"}
    ]
    assert "校验码" in items[2]["errors"][0]["reason"] and items[2]["errors"][0]["field"] == "id_number"
    assert items[3]["errors"][0]["field"] == "assessed_on"
    assert "与本批第1项重复" in items[4]["errors"][0]["reason"]
    assert items[5]["errors"][0]["field"] == "city"
    assert Participant.objects.count() == 1


def test_a_class_cannot_get_fewer_hours_than_a_trainee_attended(caller):
    caller.post(CLASSES, {"items": [klass()]})
    caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1, hours_attended=36)]})
    answer = caller.post(CLASSES, {"items": [klass(hours=30)]})
    assert statuses(answer) == ["rejected"]
    assert "36" in answer.json()["items"][0]["errors"][0]["reason"]
    assert TrainingClass.objects.get().hours == Decimal("40")


# -- refusals: 401, 403, 404, 422, 429 ----------------------------------------------------------------------


def test_without_a_token_or_with_a_revoked_one_the_answer_is_401_in_chinese(caller, keeper, base, client_as):
    assert Client().get(CLASS.format("x")).status_code == 401
    # a signed-in session is not a token: the API reads only the Authorization header, so no CSRF applies
    session = client_as(keeper).post(CLASSES, json.dumps({"items": [klass()]}), content_type="application/json")
    assert session.status_code == 401
    assert not TrainingClass.objects.exists()

    token, secret = services.create_token(actor=keeper, base_id=base.pk, name="旧系统")
    services.revoke_token(actor=keeper, token_id=token.pk)
    refused = Caller(secret).post(CLASSES, {"items": [klass()]})
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/json")
    assert refused["WWW-Authenticate"] == "Bearer"
    assert "令牌" in refused.json()["detail"]
    assert Caller("jxjy_" + "x" * 43).get(CLASS.format("x")).status_code == 401
    assert not TrainingClass.objects.exists()


def test_another_bases_record_id_answers_404_and_never_its_data(caller, keeper):
    other = factories.TrainingClassFactory(record_id="2026-01", title="别家的培训班")
    factories.ParticipantFactory(training_class=other, name="别家学员")
    for response in (
        caller.get(CLASS.format("2026-01")),
        caller.get(PARTICIPANTS.format("2026-01")),
        caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1)]}),
    ):
        assert response.status_code == 404
        assert "别家" not in response.content.decode()
        assert "班级编号" in response.json()["detail"]
    assert other.participants.count() == 1
    # pushing the same number as a class of its own makes a class of its own, and leaves the other untouched
    assert statuses(caller.post(CLASSES, {"items": [klass()]})) == ["created"]
    other.refresh_from_db()
    assert other.title == "别家的培训班"


def test_a_malformed_body_answers_422_with_a_json_error(caller):
    for body in ("{not json", '{"items": "all"}', '{"items": [1]}', "{}", '{"items": [{"hours": [1]}]}'):
        response = caller.post(CLASSES, body)
        assert response.status_code == 422, body
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]
    assert caller.post(CLASSES, "{not json").json() == {"detail": "请求体不是有效的JSON。"}
    assert caller.post(CLASSES, "{}").json()["errors"] == [{"field": "items", "reason": "缺少此项。"}]
    assert not TrainingClass.objects.exists()


def test_a_method_the_api_does_not_offer_answers_405_in_json(caller):
    response = caller.client.put(CLASSES, "{}", content_type="application/json", headers=caller.headers)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "POST" in response["Allow"] and "不支持PUT方法" in response.json()["detail"]


def test_a_batch_over_the_limit_answers_422_and_writes_nothing(caller):
    response = caller.post(CLASSES, {"items": [klass(f"C{n}") for n in range(501)]})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "items", "reason": "最多500项，请分批报送。"}]
    assert not TrainingClass.objects.exists()
    caller.post(CLASSES, {"items": [klass()]})
    many = caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(n) for n in range(2001)]})
    assert many.status_code == 422 and "2000" in many.json()["errors"][0]["reason"]
    assert not Participant.objects.exists()


def test_a_base_no_longer_recognised_may_read_but_not_push(caller, base):
    caller.post(CLASSES, {"items": [klass()]})
    type(base).objects.filter(pk=base.pk).update(status=BaseStatus.REVOKED)
    refused = caller.post(CLASSES, {"items": [klass("2026-02")]})
    assert refused.status_code == 403 and "已撤销" in refused.json()["detail"]
    assert caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1)]}).status_code == 403
    assert caller.get(CLASS.format("2026-01")).status_code == 200
    assert TrainingClass.objects.count() == 1 and not Participant.objects.exists()


def test_calls_beyond_the_per_minute_limit_of_a_token_answer_429_with_retry_after(caller, settings, keeper, base):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    assert [caller.get(CLASS.format("x")).status_code for _ in range(3)] == [404, 404, 404]
    limited = caller.get(CLASS.format("x"))
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "每分钟最多3次" in limited.json()["detail"]
    # the limit is the token's: another token of the same base still gets through
    other = Caller(services.create_token(actor=keeper, base_id=base.pk, name="第二套系统")[1])
    assert other.get(CLASS.format("x")).status_code == 404


def test_a_token_records_its_last_use(caller, base):
    caller.get(CLASS.format("x"))
    token = base.api_tokens.get()
    assert token.last_used_at is not None and timezone.now() - token.last_used_at < timezone.timedelta(minutes=1)


# -- the province's read token -------------------------------------------------------------------------------


def test_the_province_token_may_not_push_or_read_a_bases_classes(province_caller):
    refused = province_caller.post(CLASSES, {"items": [klass()]})
    assert refused.status_code == 403 and "省级只读令牌" in refused.json()["detail"]
    assert province_caller.get(CLASS.format("2026-01")).status_code == 403
    assert not TrainingClass.objects.exists()


def test_the_province_pulls_every_bases_results_changed_since_a_moment(
    province_caller, caller, django_assert_num_queries
):
    caller.post(CLASSES, {"items": [klass()]})
    caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(1), trainee(2, result="failed")]})
    elsewhere = factories.TrainingClassFactory(record_id="X-1")
    factories.ParticipantFactory.create_batch(3, training_class=elsewhere)
    with django_assert_num_queries(4):  # the token, its last use, the count, the page
        everything = province_caller.get("/api/v1/results").json()
    assert everything["count"] == 2
    ours = next(item for item in everything["items"] if item["record_id"] == "2026-01")
    assert (ours["participant_count"], ours["passed_count"]) == (2, 1)
    later = TrainingClass.objects.get(record_id="X-1").updated_at
    since = province_caller.get("/api/v1/results", since=later.isoformat()).json()
    assert [item["record_id"] for item in since["items"]] == ["X-1"]
    # a trainee's result changing marks its class changed: the next pull finds it
    caller.post(PARTICIPANTS.format("2026-01"), {"items": [trainee(2, result="passed")]})
    again = province_caller.get("/api/v1/results", since=later.isoformat()).json()
    assert [(item["record_id"], item["passed_count"]) for item in again["items"]] == [("X-1", 3), ("2026-01", 2)]
    assert province_caller.get("/api/v1/results", since="yesterday").status_code == 422


def test_openapi_lists_every_path_and_the_docs_page_answers(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/classes",
        "/api/v1/classes/{record_id}",
        "/api/v1/classes/{record_id}/participants",
        "/api/v1/learning-records/query",
        "/api/v1/results",
    } <= set(paths)
    assert set(paths["/api/v1/classes/{record_id}/participants"]) == {"get", "post"}
    assert schema.json()["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()  # served from the portal's own static files
