"""Revocation and cancellation (Art. 23, 24): the decision, its bar and notice, requests to cancel."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from applications import hearings
from applications.models import Bar, BarKind, Hearing, HearingKind
from applications.services import lift_bars
from bases.models import AnnouncementKind, Base, BaseStatus
from bases.services.publishing import TO_BE_NUMBERED, Draft, announce, check_confirmed, signature
from bases.workflow import BASE_WORKFLOW
from core import access, decisions, events, timeline
from core.errors import RuleViolation
from core.models import DecisionKind
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


def _bar_text(effective_on: date, bars: bool, bar_ruling: str, ground: str = "") -> str:
    if ground == RevocationGround.FRAUD:  # the fraud finding bars for good: no three-year limit to announce
        return "依据第二十四条，该机构申报材料弄虚作假，不再受理其认定申请。"
    if bars:
        last_day = last_day_of_years(effective_on, 3)  # Art. 24, as Revocation.bar_last_day
        return f"依据第二十四条，{last_day:%Y年%-m月%-d日}前（含当日）不再受理该机构的认定申请。"
    return f"经研究，不适用第二十四条不再受理的规定（{bar_ruling.strip()}）。"


def announcement_draft(
    base: Base,
    *,
    ground: str,
    reason: str,
    effective_on: date,
    bars: bool = True,
    bar_ruling: str = "",
    number: str = TO_BE_NUMBERED,
) -> Draft:
    """The public announcement of a revocation or cancellation, as the preview shows it and as it is
    published (with the decision's 文号 in place of 保存后分配)."""
    word = "取消" if ground == RevocationGround.REQUESTED else "撤销"
    return Draft(
        kind_label=AnnouncementKind.REVOCATION.label,
        title=f"关于{word}{base.name}省级继续教育基地资格的公告",
        body=(
            f"依据《福建省省级专业技术人员继续教育基地管理办法》{REVOCATION_ARTICLES[ground]}，自{effective_on:%Y年%-m月%-d日}起"
            f"{word}{base.name}（{base.register_number}）省级专业技术人员继续教育基地资格（{number}）。"
            f"\n\n事由：{RevocationGround(ground).label}。\n{reason.strip()}\n\n{_bar_text(effective_on, bars, bar_ruling, ground)}"
            f"\n\n{signature()}"
        ),
        numbered=True,
    )


def needs_hearing(ground: str, request: CancellationRequest | None) -> bool:
    """Every revocation, and a cancellation the recommending unit asked for, is adverse: hear the party first.
    A cancellation the building unit asked for itself is not."""
    if ground == RevocationGround.REQUESTED:
        return request is not None and request.requester_role != Role.INSTITUTION
    return True


def _checked(*, base, ground, reason, effective_on, rectification_id, cancellation_request_id, bar_ruling, bars):
    """The refusals a revocation (or the notice of one) gives, before anything is written."""
    if ground not in RevocationGround.values:
        raise RuleViolation("请选择撤销事由。", field="ground")
    today = timezone.localdate()
    if effective_on < today:
        raise RuleViolation(
            f"生效日期不能早于决定日期（{today:%Y年%-m月%-d日}）。", field="effective_on", article="第二十四条"
        )
    if effective_on < base.recognised_on:
        raise RuleViolation("生效日期不能早于基地的认定日期。", field="effective_on", article="第二十四条")
    if not reason.strip():
        raise RuleViolation("请写明具体情况。", field="reason")
    rectification = request = None
    if ground == RevocationGround.FAILED_RECTIFICATION:
        rectification = RectificationOrder.objects.filter(pk=rectification_id, base=base).first()
        if not (rectification and rectification.ends_in_revocation):
            raise RuleViolation(
                "以整改未达要求为由取消资格，须有整改未通过或逾期未整改的整改通知。",
                article="第二十三条第一款",
                field="ground",
            )
    if ground == RevocationGround.SUSPENDED:
        suspension = base.suspensions.filter(resumed_on=None).first()
        if suspension is None or base.status != BaseStatus.SUSPENDED:
            raise RuleViolation(
                "以暂停一年内无法恢复为由撤销，基地须处于暂停状态。", article="第二十三条第二款第二项", field="ground"
            )
        if today < suspension.year_up_on:
            raise RuleViolation(
                f"基地自{suspension.started_on:%Y年%-m月%-d日}起暂停，须满一年（{suspension.year_up_on:%Y年%-m月%-d日}）"
                "仍未恢复，方可以此为由撤销。",
                article="第二十三条第二款第二项",
                field="ground",
            )
    if ground == RevocationGround.REQUESTED:
        request = CancellationRequest.objects.filter(pk=cancellation_request_id, base=base).first()
        if request is None:
            raise RuleViolation("主动申请取消的，须有建设单位或推荐单位的取消申请。", field="ground")
        if not bar_ruling.strip():
            raise RuleViolation("请写明是否适用第二十四条不再受理的理由。", field="bar_ruling")
    return rectification, request


@transaction.atomic
def propose_revocation(
    *, actor: User, base_id, ground: str, reason: str, effective_on: date, rectification_id=None
) -> Hearing:
    """Notify the base's institution of the intended revocation and hear it first (SPEC 2.10)."""
    base = base_for(actor, "revoke", base_id)
    if ground in (RevocationGround.REQUESTED, RevocationGround.FRAUD):
        raise RuleViolation("请选择撤销事由。", field="ground")
    _checked(
        base=base, ground=ground, reason=reason, effective_on=effective_on, rectification_id=rectification_id,
        cancellation_request_id=None, bar_ruling="", bars=True,
    )  # fmt: skip
    return hearings.give_notice(
        actor=actor,
        subject=base,
        kind=HearingKind.REVOCATION,
        institution=base.institution,
        subject_label=f"{base.name}（{base.register_number}）",
        facts=f"{RevocationGround(ground).label}。\n{reason.strip()}",
        grounds=f"《福建省省级专业技术人员继续教育基地管理办法》{REVOCATION_ARTICLES[ground]}、第二十四条",
        intended=(
            f"撤销{base.name}省级专业技术人员继续教育基地资格，基地编号{base.register_number}同时作废；"
            "依第二十四条，自撤销之日起三年内不再受理你单位的认定申请。"
        ),
        proposal={
            "ground": ground,
            "reason": reason.strip(),
            "effective_on": effective_on.isoformat(),
            "rectification_id": rectification_id,
        },
    )


@transaction.atomic
def revoke(
    *,
    actor: User,
    base_id,
    ground: str,
    reason: str,
    effective_on: date,
    document=None,
    rectification_id=None,
    cancellation_request_id=None,
    bars: bool = True,
    bar_ruling: str = "",
    response: str = "",
    heard: Hearing | None = None,
    expected_digest: str | None = None,
) -> Revocation:
    """Decide that a base's recognition ends on `effective_on` (Art. 23).

    The party must have been heard (`applications.hearings`), except on a cancellation its own building
    unit asked for; the decision records what it said and `response`, the province's reply. The
    effective date is never earlier than the decision. A decision effective today ends the base at
    once; one effective later leaves it live, marked on its pages and its plaque check, until the daily
    job makes it take effect. A revocation bars the institution for 3 years from the effective date
    (Art. 24); for a cancellation on request the province rules whether the bar applies (`bars`), and
    says why (`bar_ruling`). `heard` is the hearing of a fraud finding that also revokes the base.
    """
    cancelled = ground == RevocationGround.REQUESTED
    if not cancelled:
        bars, bar_ruling = True, ""  # Art. 24: a revoked base's institution is always barred
    base = base_for(actor, "cancel" if cancelled else "revoke", base_id)
    rectification, request = _checked(
        base=base, ground=ground, reason=reason, effective_on=effective_on, rectification_id=rectification_id,
        cancellation_request_id=cancellation_request_id, bar_ruling=bar_ruling, bars=bars,
    )  # fmt: skip
    hearing, heard_text = heard, ""
    if ground == RevocationGround.FRAUD:
        if heard is None:
            raise RuleViolation("以弄虚作假为由撤销，须先认定弄虚作假。", field="ground", article="第二十四条")
    elif needs_hearing(ground, request):
        hearing = hearings.require_heard(base, HearingKind.CANCELLATION if cancelled else HearingKind.REVOCATION)
        heard_text = hearings.record_of(hearing, response)
    word = "取消" if cancelled else "撤销"
    last_day = last_day_of_years(effective_on, 3)  # Art. 24, as Revocation.bar_last_day
    bar_text = _bar_text(effective_on, bars, bar_ruling, ground)
    draft = announcement_draft(
        base, ground=ground, reason=reason, effective_on=effective_on, bars=bars, bar_ruling=bar_ruling
    )
    check_confirmed(draft, expected_digest)
    revocation = Revocation.objects.create(
        base=base,
        ground=ground,
        article=REVOCATION_ARTICLES[ground],
        reason=reason.strip(),
        effective_on=effective_on,
        decision_number="",  # the portal's number, once the decision is issued below
        rectification=rectification,
        cancellation_request=request,
        decided_by=actor,
        bars=bars,
        bar_ruling=bar_ruling.strip(),
    )
    if document:
        attach(actor=actor, file=document, revocation=revocation)
    decision = decisions.issue(
        kind=DecisionKind.CANCELLATION if cancelled else DecisionKind.REVOCATION,
        subject=base,
        actor=actor,
        title=f"关于{word}{base.name}省级专业技术人员继续教育基地资格的决定",
        addressee=base.institution.name,
        facts="\n".join(
            filter(
                None,
                [
                    f"{base.name}（{base.register_number}）：{RevocationGround(ground).label}。",
                    reason.strip(),
                    heard_text,
                ],
            )
        ),
        basis=REVOCATION_ARTICLES[ground],
        body=(
            f"决定自{effective_on:%Y年%-m月%-d日}起{word}{base.name}省级专业技术人员继续教育基地资格，"
            f"基地编号{base.register_number}同时作废，匾牌停止使用。\n{bar_text}"
        ),
        effective_on=effective_on,
        adverse=bars or not cancelled,
        carbon_copy=base.application.recommender_name if base.application_id else "",
    )
    revocation.decision, revocation.decision_number = decision, decision.number
    revocation.save(update_fields=["decision", "decision_number"])
    if hearing is not None and heard is None:
        hearings.close(hearing, actor=actor, decision=decision, response=response)
    if bars:
        Bar.objects.create(
            institution=base.institution,
            kind=BarKind.CANCELLATION if cancelled else BarKind.REVOCATION,
            starts_on=effective_on,
            last_day=last_day,
            reason=f"{revocation.get_ground_display()}：{revocation.reason}",
            article="第二十四条",
            base=base,
        )
    published = announcement_draft(
        base,
        ground=ground,
        reason=reason,
        effective_on=effective_on,
        bars=bars,
        bar_ruling=bar_ruling,
        number=revocation.decision_number,
    )
    announce(
        published,
        kind=AnnouncementKind.REVOCATION,
        actor=actor,
        number=revocation.decision_number,
        base=base,
        bases=[base],
    )
    events.happened("revocation_decided", actor=actor, base=base, revocation=revocation, word=word, bar_text=bar_text)
    if effective_on <= timezone.localdate():
        take_effect(revocation, actor=actor)
    return revocation


def take_effect(revocation: Revocation, *, actor) -> Revocation:
    """The day has come: the base leaves the live states through the engine, and its commendation ends
    (Art. 22). `actor` is None for the daily job."""
    base, _ = perform(
        workflow=BASE_WORKFLOW,
        queryset=Base.objects.select_related("institution", "application"),
        pk=revocation.base_id,
        action="cancel" if revocation.is_cancellation else "revoke",
        actor=actor,
        comment=f"{revocation.decision_number}；{revocation.reason}",
        article=revocation.article,
    )
    base.status_changed_on, base.commended_at = revocation.effective_on, None
    base.save(update_fields=["status_changed_on", "commended_at"])
    revocation.took_effect_at = timezone.now()
    revocation.save(update_fields=["took_effect_at"])
    if actor is None:  # decided earlier: tell the parties the day has come
        events.happened("revocation_took_effect", actor=None, base=base, revocation=revocation, word=revocation.word)
    return revocation


@transaction.atomic
def revocations_take_effect(*, today: date) -> int:
    """Daily: decisions whose effective date has come take effect; running again changes nothing."""
    due = Revocation.objects.filter(took_effect_at=None, effective_on__lte=today).select_related("base")
    count = 0
    for revocation in due.select_for_update(of=("self",)):
        take_effect(revocation, actor=None)
        count += 1
    return count


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
    document=None,
    bars: bool | None = None,
    bar_ruling: str = "",
    response: str = "",
    expected_digest: str | None = None,
) -> CancellationRequest:
    """The province grants (the base is cancelled) or refuses a cancellation request.

    Granting, it rules whether the Art. 24 bar applies: by default not when the building unit itself
    asked, and yes when the recommending unit did; a ruling against the default must give its reason.
    A grant publishes the announcement of `cancellation_draft`; with `expected_digest`, only as previewed.
    """

    def check(request, t):
        if not grant and not decision.strip():
            raise RuleViolation("不予取消的，请写明理由。", field="decision")
        if grant and bars is not None and bars != bar_by_default(request) and not bar_ruling.strip():
            raise RuleViolation("与默认做法不同的，请写明是否适用不再受理的理由。", field="bar_ruling")

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
            document=document,
            cancellation_request_id=request.pk,
            response=response,
            expected_digest=expected_digest,
            **_granted(request, decision=decision, effective_on=effective_on, bars=bars, bar_ruling=bar_ruling),
        )
    else:
        events.happened("cancellation_refused", actor=actor, request=request, base=request.base)
    return request


@transaction.atomic
def propose_cancellation(*, actor: User, request_id, effective_on: date, reason: str = "") -> Hearing:
    """A recommending unit asked to cancel the base: tell the building unit and hear it before granting."""
    request = access.get_visible_or_404(
        actor, CancellationRequest.objects.select_related("base", "base__institution"), pk=request_id
    )
    refused = CANCELLATION_WORKFLOW.refusal(request, "grant", actor)
    if refused is not None:
        raise refused
    if not needs_hearing(RevocationGround.REQUESTED, request):
        raise RuleViolation("建设单位主动申请取消的，无需告知陈述申辩，可直接作出决定。")
    base = request.base
    if effective_on < timezone.localdate():
        raise RuleViolation("生效日期不能早于今天。", field="effective_on", article="第二十四条")
    return hearings.give_notice(
        actor=actor,
        subject=base,
        kind=HearingKind.CANCELLATION,
        institution=base.institution,
        subject_label=f"{base.name}（{base.register_number}）",
        facts=f"推荐单位申请取消{base.name}省级专业技术人员继续教育基地资格，理由：{request.reason}"
        + (f"\n{reason.strip()}" if reason.strip() else ""),
        grounds="《福建省省级专业技术人员继续教育基地管理办法》第二十三条第二款第三项、第二十四条",
        intended=(
            f"自{effective_on:%Y年%-m月%-d日}起取消{base.name}省级专业技术人员继续教育基地资格，"
            f"基地编号{base.register_number}同时作废。"
        ),
        proposal={"request_id": request.pk, "effective_on": effective_on.isoformat(), "reason": reason.strip()},
    )


# What the province rules on the Art. 24 bar when it grants a cancellation and says nothing else.
DEFAULT_RULINGS = {
    False: "建设单位主动申请取消，不属于第二十四条规定的被撤销资格情形，不适用三年内不再受理。",
    True: "推荐单位申请取消基地资格，依第二十四条适用三年内不再受理。",
}


def bar_by_default(request: CancellationRequest) -> bool:
    """A cancellation the building unit asked for does not bar; one the recommending unit asked for does."""
    return request.requester_role != Role.INSTITUTION


def _granted(request: CancellationRequest, *, decision: str, effective_on: date | None, bars, bar_ruling: str) -> dict:
    """What granting `request` decides, the defaults filled in: the reason, the date, the ruling on the bar."""
    barred = bar_by_default(request) if bars is None else bars
    return {
        "reason": decision.strip() or request.reason,
        "effective_on": effective_on or timezone.localdate(),
        "bars": barred,
        "bar_ruling": bar_ruling.strip() or DEFAULT_RULINGS[barred],
    }


def cancellation_draft(
    request: CancellationRequest, *, decision: str = "", effective_on: date | None = None, bars=None, bar_ruling=""
) -> Draft:
    """The announcement granting `request` publishes, as the preview shows it (issue 15 (7))."""
    terms = _granted(request, decision=decision, effective_on=effective_on, bars=bars, bar_ruling=bar_ruling)
    return announcement_draft(request.base, ground=RevocationGround.REQUESTED, **terms)


# -- appeals: a revocation set aside gives the base back (applications.hearings) ------------------------


def set_aside_revocation(revocation: Revocation, *, actor, appeal) -> Revocation:
    """The decision is set aside: its bar is lifted and, if it had taken effect, the base gets back the
    status it ended, through the engine."""
    revocation = Revocation.objects.select_for_update(of=("self",)).select_related("base").get(pk=revocation.pk)
    why = f"{appeal.get_kind_display()}（{appeal.authority}{appeal.case_number}）撤销{revocation.decision_number}"
    revocation.set_aside_on = timezone.localdate()
    revocation.save(update_fields=["set_aside_on"])
    lift_bars(Bar.objects.filter(base=revocation.base, kind__in=[BarKind.REVOCATION, BarKind.CANCELLATION]), reason=why)
    if revocation.took_effect_at is not None:
        before = timeline.last_state_before(revocation.base, actions=("revoke", "cancel"))
        perform(
            workflow=BASE_WORKFLOW,
            queryset=Base.objects.select_related("institution"),
            pk=revocation.base_id,
            action="reinstate_rectifying" if before == BaseStatus.RECTIFYING else "reinstate",
            actor=actor,
            comment=why,
        )
        Base.objects.filter(pk=revocation.base_id).update(status_changed_on=timezone.localdate())
    return revocation


@hearings.undone_by_set_aside(DecisionKind.REVOCATION, DecisionKind.CANCELLATION)
def _reinstate_after_set_aside(decision, *, actor, appeal):
    revocation = Revocation.objects.filter(decision=decision, set_aside_on=None).first()
    if revocation is not None:
        set_aside_revocation(revocation, actor=actor, appeal=appeal)
