"""The versioned JSON API, v1 (issue 17, point 3; Art. 18, 28): a base's own system pushes its classes and
participants in batches and reads them back; the province's read token pulls the results of every base and a
trainee's learning record. django-ninja: the pydantic schemas below give the OpenAPI document (/api/openapi.json,
browsable at /api/docs) and the 422 answer to a malformed body, and its plain function views call the training
services and selectors like any page does.

Every answer is JSON, every error `{"detail": "…"}` in Chinese. A token is sent as `Authorization: Bearer jxjy_…`;
without a live one the answer is 401, beyond API_RATE_LIMIT_PER_MINUTE calls of a token in a minute 429 (with
Retry-After), a scope or a base that may not do it 403, another base's record id 404 (never its data).
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import BaseModel

from core import pii, throttle
from core.errors import RuleViolation
from training import selectors as training_selectors
from training.services import push, records

from . import services
from .models import ApiToken, Scope

DESCRIPTION = """福建省专业技术人员继续教育基地管理平台的数据接口（第十八条、第二十八条）。

- **认证**：请求头 `Authorization: Bearer <令牌>`。基地令牌由施教机构在“接口令牌”页面创建（仅显示一次），省级只读令牌由省人社厅创建。
- **幂等**：培训班按本基地的“班级编号”（record_id），学员按培训班和身份证号码（或调用方的记录号）识别；重复报送相同内容不会改变任何记录，应答为 unchanged。
- **逐项应答**：批量报送时每一项单独校验（与表格导入的规则相同），无误的写入，有问题的逐项退回（rejected）并说明字段和原因。
- **限流**：每个令牌每分钟最多调用的次数见部署设置 API_RATE_LIMIT_PER_MINUTE，超过后应答 429 并在 Retry-After 中给出需等待的秒数。
- **错误**：均为 JSON，`{"detail": "中文说明"}`：401 令牌缺失、无效或已吊销；403 令牌无权进行该操作；404 记录不存在（包括其他基地的记录）；422 请求体不是有效的 JSON 或不符合接口格式。
"""


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class Forbidden(Exception):
    pass


class TokenAuth(HttpBearer):
    """A live token (api.services.authenticate), counted against its per-minute limit."""

    def authenticate(self, request, token: str) -> ApiToken | None:
        found = services.authenticate(token)
        if found is not None:
            count, retry_after = throttle.hit("api", f"token:{found.pk}")
            if count > settings.API_RATE_LIMIT_PER_MINUTE:
                raise RateLimited(retry_after)
        return found


api = NinjaAPI(
    title="福建省继续教育基地管理平台数据接口",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    auth=TokenAuth(),
)


# -- errors: JSON, in Chinese ---------------------------------------------------------------------------------


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(
        request,
        {"detail": "未提供有效的接口令牌：请在请求头中发送 Authorization: Bearer <令牌>；令牌可能已被吊销。"},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    response = api.create_response(
        request,
        {"detail": f"调用过于频繁：每个令牌每分钟最多{limit}次，请{exc.retry_after}秒后再试。"},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Forbidden)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "未找到该记录：班级编号只在本基地的培训班中查找。"}, status=404)


@api.exception_handler(RuleViolation)
def _refused(request, exc):
    return api.create_response(request, {"detail": exc.message}, status=422)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:  # ninja's "Cannot parse request body": the body is not JSON
        return api.create_response(request, {"detail": "请求体不是有效的JSON。"}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# pydantic's error types, as a caller should read them
REASONS = {
    "missing": "缺少此项。",
    "string_type": "应为字符串。",
    "float_type": "应为数字。",
    "float_parsing": "应为数字。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "bool_type": "应为true或false。",
    "bool_parsing": "应为true或false。",
    "list_type": "应为数组。",
    "model_type": "应为对象。",
    "model_attributes_type": "应为对象。",
    "dict_type": "应为对象。",
    "datetime_type": "应为日期时间，如2026-03-01T00:00:00+08:00。",
    "datetime_from_date_parsing": "应为日期时间，如2026-03-01T00:00:00+08:00。",
    "datetime_parsing": "应为日期时间，如2026-03-01T00:00:00+08:00。",
    "greater_than_equal": "数值过小。",
    "less_than_equal": "数值过大。",
}


def _reason(error: dict) -> str:
    if error["type"] == "too_long":
        return f"最多{error.get('ctx', {}).get('max_length')}项，请分批报送。"
    return REASONS.get(error["type"], "格式不正确。")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] in (["body"], ["query"], ["path"]):
            location = location[2:] if location[:1] == ["body"] else location[1:]
        errors.append({"field": ".".join(location), "reason": _reason(error)})
    return api.create_response(
        request, {"detail": "请求内容不符合接口格式，请按 errors 修改后重新提交。", "errors": errors}, status=422
    )


# -- schemas ------------------------------------------------------------------------------------------------


class Problem(Schema):
    field: str = Field(description="出错的字段名（如 hours）；空表示整项")
    label: str = Field("", description="字段的中文名")
    reason: str = Field(description="原因（中文）")


class ItemOutcome(Schema):
    record_id: str = Field(description="调用方的记录号（培训班为班级编号）")
    status: str = Field(description="created 新增；updated 更新；unchanged 无变化；rejected 退回（见 errors）")
    errors: list[Problem]


class ParticipantOutcome(ItemOutcome):
    id_masked: str = Field("", description="身份证号码掩码（号码有效时）")


class BatchAnswer(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    items: list[ItemOutcome]


class ParticipantBatchAnswer(BatchAnswer):
    items: list[ParticipantOutcome]


class ClassIn(BaseModel):  # pydantic's own model: an item that is not an object is refused (422)
    record_id: str | None = Field(
        None, description="班级编号：本基地自行编排，不超过64个字符；再次报送时据此找到该培训班"
    )
    title: str | None = Field(None, description="培训班名称")
    service_form: str | None = Field(
        None,
        description="服务形式（第十三条）：major_project、advanced_seminar、commissioned、public_or_professional、research、exchange",
    )
    field: str | None = Field("", description="专业领域")
    starts_on: str | None = Field(None, description="开班日期，如2026-03-02")
    ends_on: str | None = Field(None, description="结业日期")
    hours: float | str | None = Field(None, description="班级总学时，最多一位小数")
    mode: str | None = Field(None, description="培训方式：offline 线下、online 线上、blended 线上线下结合")
    venue: str | None = Field("", description="培训地点（线下或线上线下结合时必填）")
    is_public_benefit: bool | str | None = Field(None, description="是否公益性培训（第十四条）")


class ClassBatch(Schema):
    items: list[ClassIn] = Field(max_length=push.MAX_CLASSES, description=f"最多{push.MAX_CLASSES}个培训班")


class ParticipantIn(BaseModel):
    record_id: str | None = Field("", description="调用方系统中该学员的记录号（可选），不超过64个字符")
    name: str | None = Field(None, description="姓名")
    id_number: str | None = Field(None, description="18位居民身份证号码（按GB 11643校验），加密保存")
    employer: str | None = Field("", description="工作单位")
    city: str | None = Field("", description="所在设区市，如“福州市”")
    from_priority_area: bool | str | None = Field(
        None, description="是否来自革命老区、民族地区、欠发达地区（第十四条）"
    )
    hours_attended: float | str | None = Field(None, description="参训学时，不超过班级总学时")
    result: str | None = Field(None, description="考核结果：passed 合格、failed 不合格、not_assessed 未考核")
    assessed_on: str | None = Field(None, description="考核日期，在开班和结业日期之间")


class ParticipantBatch(Schema):
    items: list[ParticipantIn] = Field(
        max_length=push.MAX_PARTICIPANTS, description=f"最多{push.MAX_PARTICIPANTS}名学员"
    )


class ClassOut(Schema):
    record_id: str
    title: str
    service_form: str
    field: str
    starts_on: date
    ends_on: date
    hours: float
    mode: str
    venue: str
    is_public_benefit: bool
    participant_count: int
    updated_at: datetime


class ParticipantOut(Schema):
    record_id: str
    name: str
    id_masked: str = Field(description="身份证号码掩码；接口不提供完整号码")
    employer: str
    city: str
    from_priority_area: bool
    hours_attended: float
    result: str
    assessed_on: date | None


class ParticipantPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ParticipantOut]


class Paging(Schema):
    page: int = Field(1, ge=1, description="页码，从1开始")
    page_size: int = Field(100, ge=1, le=500, description="每页条数，最多500")


class LearningRecordQuery(Schema):
    id_number: str = Field(description="学员的18位居民身份证号码")


class ClassAtABase(Schema):
    """A class named by its base, as the province reads it."""

    base_register_number: str = Field(description="基地编号")
    base_name: str
    record_id: str = Field(description="该基地的班级编号")
    title: str
    service_form: str
    starts_on: date
    ends_on: date
    hours: float = Field(description="班级总学时")


class LearningRecordClass(ClassAtABase):
    hours_attended: float
    result: str
    assessed_on: date | None


class LearningRecord(Schema):
    id_masked: str
    total_hours: float
    classes: list[LearningRecordClass]


class ResultsQuery(Paging):
    since: datetime | None = Field(
        None, description="只返回此时刻及以后有变化的培训班（ISO 8601，如2026-03-01T00:00:00+08:00）"
    )


class ResultOut(ClassAtABase):
    is_public_benefit: bool
    participant_count: int
    passed_count: int
    updated_at: datetime


class ResultPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ResultOut]


# -- who may call what ----------------------------------------------------------------------------------------


def _base_token(request) -> ApiToken:
    token = request.auth
    if token.scope != Scope.BASE:
        raise Forbidden(
            "省级只读令牌只能查询学习档案（/api/v1/learning-records/query）和拉取培训结果（/api/v1/results）。"
        )
    return token


def _writing_token(request) -> ApiToken:
    token = _base_token(request)
    if not token.base.is_live:
        raise Forbidden(f"基地当前状态为「{token.base.get_status_display()}」，不能再报送培训记录。")
    return token


def _province_token(request) -> ApiToken:
    token = request.auth
    if token.scope != Scope.PROVINCE_READ:
        raise Forbidden("只有省级只读令牌可以查询学习档案和拉取各基地的培训结果（第二十八条）。")
    return token


def _source(token: ApiToken) -> str:
    return f"接口：{token.name}（{token.prefix}…）"


def _answer(outcomes) -> dict:
    counts = dict.fromkeys((push.CREATED, push.UPDATED, push.UNCHANGED, push.REJECTED), 0)
    items = []
    for outcome in outcomes:
        counts[outcome.verdict] += 1
        items.append({"record_id": outcome.record_id, "status": outcome.verdict, "errors": outcome.errors})
        if outcome.id_masked:
            items[-1]["id_masked"] = outcome.id_masked
    return {**counts, "items": items}


# -- endpoints ------------------------------------------------------------------------------------------------


@api.post("/v1/classes", response=BatchAnswer, tags=["培训班"], summary="批量报送培训班")
def push_classes(request, payload: ClassBatch):
    """Create or update a batch of the base's classes by their 班级编号 (Art. 13, 18)."""
    token = _writing_token(request)
    items = [item.model_dump() for item in payload.items]
    return _answer(push.push_classes(base_id=token.base_id, items=items, actor=token.created_by, source=_source(token)))


@api.get("/v1/classes/{record_id}", response=ClassOut, tags=["培训班"], summary="查询培训班")
def get_class(request, record_id: str):
    """One of the base's classes, with its participant count."""
    token = _base_token(request)
    training_class = training_selectors.class_by_record_id(token.base_id, record_id)
    if training_class is None:
        raise Http404
    return training_class


@api.post(
    "/v1/classes/{record_id}/participants",
    response=ParticipantBatchAnswer,
    tags=["学员"],
    summary="批量报送学员及考核结果",
)
def push_participants(request, record_id: str, payload: ParticipantBatch):
    """Create or update a batch of a class's trainees by their ID numbers (Art. 18)."""
    token = _writing_token(request)
    items = [item.model_dump() for item in payload.items]
    outcomes = push.push_participants(
        base_id=token.base_id, record_id=record_id, items=items, actor=token.created_by, source=_source(token)
    )
    return _answer(outcomes)


@api.get("/v1/classes/{record_id}/participants", response=ParticipantPage, tags=["学员"], summary="分页查询培训班学员")
def list_participants(request, record_id: str, paging: Query[Paging]):
    """A page of a class's trainees; ID numbers masked only."""
    token = _base_token(request)
    training_class = training_selectors.class_by_record_id(token.base_id, record_id)
    if training_class is None:
        raise Http404
    rows = training_selectors.class_participants(
        training_class, offset=(paging.page - 1) * paging.page_size, limit=paging.page_size
    )
    return {
        "count": training_class.participant_count,
        "page": paging.page,
        "page_size": paging.page_size,
        "items": [_participant(p) for p in rows],
    }


def _participant(p) -> dict:
    return {
        "record_id": p.record_id,
        "name": p.name,
        "id_masked": p.id_masked,
        "employer": p.employer,
        "city": p.region.name if p.region else "",
        "from_priority_area": p.from_priority_area,
        "hours_attended": p.hours_attended,
        "result": p.result,
        "assessed_on": p.assessed_on,
    }


def _class_at_a_base(c) -> dict:
    return {
        "base_register_number": c.base.register_number,
        "base_name": c.base.name,
        "record_id": c.record_id,
        "title": c.title,
        "service_form": c.service_form,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "hours": c.hours,
    }


# A POST, not a GET with ?id_number=: an ID number in a query string ends up in access logs, proxies and
# browser histories; in a body it does not (PIPL).
@api.post("/v1/learning-records/query", response=LearningRecord, tags=["学习档案"], summary="查询学员学习档案")
def learning_record(request, payload: LearningRecordQuery):
    """A trainee's classes and hours across all bases (Art. 28); the province's read token only."""
    token = _province_token(request)
    number = pii.normalise(payload.id_number)
    if (error := pii.id_number_error(number)) is not None:
        raise RuleViolation(error, field="id_number")
    rows = list(training_selectors.learning_record(id_number=number))
    records.log_platform_look_up(actor=token.created_by, source=_source(token), id_number=number, rows=rows)
    return {
        "id_masked": pii.mask(number),
        "total_hours": sum((p.hours_attended for p in rows), Decimal("0")),
        "classes": [
            {
                **_class_at_a_base(p.training_class),
                "hours_attended": p.hours_attended,
                "result": p.result,
                "assessed_on": p.assessed_on,
            }
            for p in rows
        ],
    }


@api.get("/v1/results", response=ResultPage, tags=["培训结果"], summary="拉取各基地的培训结果")
def results(request, query: Query[ResultsQuery]):
    """Every base's classes changed since a moment, paged, with participant and pass counts (Art. 18)."""
    _province_token(request)
    classes = training_selectors.results_since(query.since)
    offset = (query.page - 1) * query.page_size
    return {
        "count": classes.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [
            {
                **_class_at_a_base(c),
                "is_public_benefit": c.is_public_benefit,
                "participant_count": c.participant_count,
                "passed_count": c.passed_count,
                "updated_at": c.updated_at,
            }
            for c in classes[offset : offset + query.page_size]
        ],
    }
