"""Revocation and cancellation (Art. 23, 24): the decision, its bar and notice, requests to cancel."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Bar, BarKind
from bases.models import Announcement, AnnouncementKind, Base
from bases.workflow import BASE_WORKFLOW
from core import events
from core.errors import RuleViolation
from core.periods import last_day_of_years
from core.workflow import perform

from ..models import (
    REVOCATION_ARTICLES,
    CancellationRequest,
    RectificationOrder,
    Revocation,
    RevocationGround,
)
from ..workflow import CANCELLATION_WORKFLOW
from .common import attach, base_for


@transaction.atomic
def revoke(
    *,
    actor: User,
    base_id,
    ground: str,
    reason: str,
    effective_on: date,
    decision_number: str,
    document=None,
    rectification_id=None,
    cancellation_request_id=None,
) -> Revocation:
    """End a base's recognition; it leaves the active register, its plaque verifies as revoked, and the
    institution may not apply for 3 years from the effective date (Art. 24)."""
    if ground not in RevocationGround.values:
        raise RuleViolation("请选择撤销事由。", field="ground")
    cancelled = ground == RevocationGround.REQUESTED
    found = {}

    def check(base, t):
        if not reason.strip():
            raise RuleViolation("请写明具体情况。", field="reason")
        if not decision_number.strip():
            raise RuleViolation("请填写决定文号。", field="decision_number")
        if ground == RevocationGround.FAILED_RECTIFICATION:
            found["rectification"] = rectification = RectificationOrder.objects.filter(
                pk=rectification_id, base=base
            ).first()
            if not (rectification and rectification.ends_in_revocation):
                raise RuleViolation(
                    "以整改未达要求为由取消资格，须有整改未通过或逾期未整改的整改通知。",
                    article="第二十三条第一款",
                    field="ground",
                )
        if cancelled:
            found["request"] = CancellationRequest.objects.filter(pk=cancellation_request_id, base=base).first()
            if found["request"] is None:
                raise RuleViolation("主动申请取消的，须有建设单位或推荐单位的取消申请。", field="ground")

    base, t = perform(
        workflow=BASE_WORKFLOW,
        queryset=Base.objects.select_related("institution", "application"),
        pk=base_id,
        action="cancel" if cancelled else "revoke",
        actor=actor,
        check=check,
        comment=f"{decision_number.strip()}；{reason.strip()}",
        article=REVOCATION_ARTICLES[ground],
    )
    rectification, request = found.get("rectification"), found.get("request")
    revocation = Revocation.objects.create(
        base=base,
        ground=ground,
        article=REVOCATION_ARTICLES[ground],
        reason=reason.strip(),
        effective_on=effective_on,
        decision_number=decision_number.strip(),
        rectification=rectification,
        cancellation_request=request,
        decided_by=actor,
    )
    if document:
        attach(actor=actor, file=document, revocation=revocation)
    base.status_changed_on = effective_on
    base.save(update_fields=["status_changed_on"])
    bar = Bar.objects.create(
        institution=base.institution,
        kind=BarKind.CANCELLATION if cancelled else BarKind.REVOCATION,
        starts_on=effective_on,
        last_day=last_day_of_years(effective_on, 3),
        reason=f"{revocation.get_ground_display()}：{revocation.reason}",
        article="第二十四条",
        base=base,
    )
    word = "取消" if cancelled else "撤销"
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.REVOCATION,
        published_at=timezone.now(),
        base=base,
        created_by=actor,
        title=f"关于{word}{base.name}省级继续教育基地资格的公告",
        body=(
            f"依据《福建省省级专业技术人员继续教育基地管理办法》{revocation.article}，自{effective_on:%Y年%-m月%-d日}起"
            f"{word}{base.name}（{base.register_number}）省级专业技术人员继续教育基地资格（{revocation.decision_number}）。"
            f"\n\n事由：{revocation.get_ground_display()}。\n{revocation.reason}\n\n"
            f"依据第二十四条，{bar.last_day:%Y年%-m月%-d日}前（含当日）不再受理该机构的认定申请。"
        ),
    )
    announcement.bases.set([base])
    events.happened("revoked", actor=actor, base=base, revocation=revocation, bar=bar, word=word)
    return revocation


@transaction.atomic
def request_cancellation(*, actor: User, base_id, reason: str) -> CancellationRequest:
    """The base's institution or its recommending unit asks the province to cancel the base (Art. 23 (2)(3))."""
    base = base_for(actor, "request_cancellation", base_id)
    if not reason.strip():
        raise RuleViolation("请写明申请取消的理由。", field="reason")
    request = CancellationRequest.objects.create(
        base=base, requested_by=actor, requester_role=actor.role, reason=reason.strip()
    )
    events.happened("request_cancellation", actor=actor, base=base, request=request)
    return request


@transaction.atomic
def decide_cancellation(
    *,
    actor: User,
    request_id,
    grant: bool,
    decision: str,
    effective_on: date | None = None,
    decision_number: str = "",
    document=None,
) -> CancellationRequest:
    """The province grants (the base is cancelled) or refuses a cancellation request."""

    def check(request, t):
        if not grant and not decision.strip():
            raise RuleViolation("不予取消的，请写明理由。", field="decision")

    request, t = perform(
        workflow=CANCELLATION_WORKFLOW,
        queryset=CancellationRequest.objects.select_related("base"),
        pk=request_id,
        action="grant" if grant else "refuse",
        actor=actor,
        check=check,
        comment=decision,
    )
    request.decision, request.decided_at = decision.strip(), timezone.now()
    request.save(update_fields=["decision", "decided_at"])
    if grant:
        revoke(
            actor=actor,
            base_id=request.base_id,
            ground=RevocationGround.REQUESTED,
            reason=decision.strip() or request.reason,
            effective_on=effective_on or timezone.localdate(),
            decision_number=decision_number,
            document=document,
            cancellation_request_id=request.pk,
        )
    else:
        events.happened("cancellation_refused", actor=actor, request=request, base=request.base)
    return request
