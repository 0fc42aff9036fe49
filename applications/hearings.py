"""The right to be heard before an adverse decision (告知 — 陈述申辩; SPEC 2.10), and appeals against a
decision (行政复议, 行政诉讼) with what a set-aside gives back.

The province notifies the party of the decision it intends, with the facts and grounds; the notice is a
numbered document like the decision. The party answers online (a statement and files) or waives until a
deadline counted in working days on the portal's calendar. The domain service that takes the decision
asks `require_heard` first and `close` after, in its own transaction, so that a decision without a
hearing, or before the hearing is over, cannot be taken, and the decision records what was said.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Institution, Role, User
from core import decisions, events, uploads
from core.errors import RuleViolation
from core.models import Decision, DecisionKind
from core.workflow import perform

from .models import (
    PENDING_HEARING,
    Appeal,
    AppealState,
    Hearing,
    HearingDocument,
    HearingKind,
)
from .notices import period_end
from .workflow import APPEAL_WORKFLOW, HEARING_WORKFLOW, heard

RIGHTS = (
    "你单位依法享有陈述、申辩的权利。请于{deadline:%Y年%-m月%-d日}前（含当日）通过省级继续教育基地管理平台"
    "在线提交陈述申辩意见及证明材料，或明确表示放弃；逾期未提出的，视为放弃陈述、申辩的权利。"
)


def statement_deadline(notified_on: date) -> date:
    """The last day to state a defence: N working days after the notice (settings.HEARING_WORKING_DAYS)."""
    return period_end(notified_on + timedelta(days=1), settings.HEARING_WORKING_DAYS)


def pending(subject, kind: str) -> Hearing | None:
    """The hearing on `subject` about the intended `kind` of decision not yet closed, if any."""
    return (
        Hearing.objects.select_related("notice")
        .filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, kind=kind)
        .filter(state__in=PENDING_HEARING)
        .first()
    )


def of(subject) -> list[Hearing]:
    """Every hearing about a record, newest first."""
    return list(
        Hearing.objects.select_related("notice", "decision").filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
    )


@transaction.atomic
def give_notice(
    *,
    actor: User,
    subject,
    kind: str,
    institution: Institution,
    subject_label: str,
    facts: str,
    grounds: str,
    intended: str,
    proposal: dict | None = None,
) -> Hearing:
    """Notify the party of an intended adverse decision; the statement period starts the next day."""
    if actor.role != Role.PROVINCE:
        raise RuleViolation("只有省人社厅可以发出告知书。")
    if not facts.strip():
        raise RuleViolation("请写明拟认定的事实。", field="reason")
    if pending(subject, kind) is not None:
        raise RuleViolation(
            f"已就该事项发出拟{HearingKind(kind).label}的告知书，请待陈述申辩后作出决定。", article="第二十四条"
        )
    today = timezone.localdate()
    deadline = statement_deadline(today)
    label = HearingKind(kind).label
    notice = decisions.issue(
        kind=DecisionKind.HEARING_NOTICE,
        subject=subject,
        actor=actor,
        title=f"拟{label}事先告知书",
        addressee=institution.name,
        facts=facts,
        basis=grounds,
        body=f"本厅拟作出如下决定：{intended.strip()}\n{RIGHTS.format(deadline=deadline)}",
    )
    try:
        with transaction.atomic():
            hearing = Hearing.objects.create(
                kind=kind,
                institution=institution,
                content_type=ContentType.objects.get_for_model(subject),
                object_id=subject.pk,
                subject_label=subject_label,
                facts=facts.strip(),
                grounds=grounds,
                intended=intended.strip(),
                proposal=proposal or {},
                notice=notice,
                notified_on=today,
                deadline=deadline,
                created_by=actor,
            )
    except IntegrityError:  # someone else gave the same notice a moment ago
        raise RuleViolation(f"已就该事项发出拟{label}的告知书，请刷新后查看。") from None
    events.happened("hearing.notified", actor=actor, hearing=hearing, subject=subject)
    return hearing


@transaction.atomic
def answer(*, actor: User, hearing_id, statement: str, files=()) -> Hearing:
    """The party states its defence, with files, before the deadline."""

    def check(hearing, t):
        if not statement.strip():
            raise RuleViolation("请填写陈述申辩意见。", field="statement")

    hearing, _ = perform(
        workflow=HEARING_WORKFLOW, pk=hearing_id, action="answer", actor=actor, check=check, comment=statement
    )
    hearing.statement, hearing.answered_by, hearing.answered_at = statement.strip(), actor, timezone.now()
    hearing.save(update_fields=["statement", "answered_by", "answered_at"])
    for file in files:
        uploads.store(HearingDocument(hearing=hearing, uploaded_by=actor), uploads.check(file))
    events.happened("hearing.answered", actor=actor, hearing=hearing)
    return hearing


@transaction.atomic
def waive(*, actor: User, hearing_id) -> Hearing:
    """The party says it will not state a defence; the province may decide at once."""
    hearing, _ = perform(workflow=HEARING_WORKFLOW, pk=hearing_id, action="waive", actor=actor)
    hearing.answered_by, hearing.waived_at = actor, timezone.now()
    hearing.save(update_fields=["answered_by", "waived_at"])
    events.happened("hearing.waived", actor=actor, hearing=hearing)
    return hearing


def require_heard(subject, kind: str, *, field: str | None = None) -> Hearing:
    """The hearing a decision of `kind` on `subject` rests on, once the party has been heard; else refuse."""
    hearing = pending(subject, kind)
    label = HearingKind(kind).label
    if hearing is None:
        raise RuleViolation(
            f"作出{label}决定前，须先发出告知书，告知拟作出决定的事实、理由和依据，听取当事人的陈述申辩。",
            field=field,
            article="第二十四条",
        )
    refused = heard(hearing, None)
    if refused:
        raise RuleViolation(refused, field=field, article="第二十四条")
    return hearing


def close(hearing: Hearing, *, actor: User, decision: Decision, response: str = "") -> Hearing:
    """Mark the hearing decided by `decision`, inside the deciding service's transaction."""
    hearing, _ = perform(
        workflow=HEARING_WORKFLOW,
        queryset=Hearing.objects.select_related("notice"),
        pk=hearing.pk,
        action="decide",
        actor=actor,
        comment=decision.number,
    )
    hearing.decision, hearing.response = decision, response.strip()
    hearing.save(update_fields=["decision", "response"])
    return hearing


def record_of(hearing: Hearing, response: str = "") -> str:
    """The paragraph a decision gives about the hearing: the notice, what was said and the reply to it."""
    hearing.response = response.strip()
    if hearing.answered_at and not hearing.response:
        raise RuleViolation("当事人提出了陈述申辩，请写明对陈述申辩意见的复核和采纳情况。", field="response")
    return hearing.what_was_said


@transaction.atomic
def drop(*, actor: User, hearing_id, reason: str) -> Hearing:
    """Having heard the party, the province decides not to take the intended decision."""
    hearing, _ = perform(workflow=HEARING_WORKFLOW, pk=hearing_id, action="drop", actor=actor, comment=reason)
    hearing.response = reason.strip()
    hearing.save(update_fields=["response"])
    events.happened("hearing.dropped", actor=actor, hearing=hearing)
    return hearing


# -- appeals (行政复议, 行政诉讼) ----------------------------------------------------------------------------

# What a set-aside gives back, per kind of decision: functions (decision, actor) registered by the apps
# that took the decision (applications here; bases and supervision in their services).
_UNDO: dict[str, list] = {}


def undone_by_set_aside(*kinds: str):
    """Register what setting aside a decision of these kinds must restore (through the engine)."""

    def register(fn):
        for kind in kinds:
            _UNDO.setdefault(kind, []).append(fn)
        return fn

    return register


@transaction.atomic
def record_appeal(
    *, actor: User, decision_id, kind: str, authority: str, filed_on: date, case_number: str = ""
) -> Appeal:
    """The province records that the party appealed against one of its adverse decisions."""
    if actor.role != Role.PROVINCE:
        raise RuleViolation("只有省人社厅可以登记复议或诉讼。")
    decision = Decision.objects.select_for_update().filter(pk=decision_id, adverse=True).first()
    if decision is None:
        raise RuleViolation("只能对告知了救济途径的不利决定登记复议或诉讼。")
    if filed_on < decision.decided_on or filed_on > timezone.localdate():
        raise RuleViolation("提起日期应在决定日期之后、今天之前。", field="filed_on")
    if not authority.strip():
        raise RuleViolation("请填写受理机关。", field="authority")
    if Appeal.objects.filter(decision=decision, state=AppealState.PENDING).exists():
        raise RuleViolation("该决定已有一件审理中的复议或诉讼，请先登记其结果。")
    institution = _party_of(decision)
    appeal = Appeal.objects.create(
        decision=decision,
        institution=institution,
        kind=kind,
        authority=authority.strip(),
        case_number=case_number.strip(),
        filed_on=filed_on,
        recorded_by=actor,
    )
    events.happened("appeal.recorded", actor=actor, appeal=appeal, decision=decision, subject=decision.subject)
    return appeal


def _party_of(decision: Decision) -> Institution:
    subject = decision.subject
    # an application or a base has its institution; a record of a base (an order) reaches it through the base
    institution = getattr(subject, "institution", None) or getattr(getattr(subject, "base", None), "institution", None)
    if institution is None:
        raise RuleViolation("无法确定该决定的当事人。")
    return institution


OUTCOME_ACTIONS = {
    AppealState.UPHELD: "uphold",
    AppealState.VARIED: "vary",
    AppealState.SET_ASIDE: "set_aside",
    AppealState.WITHDRAWN: "withdraw",
}


@transaction.atomic
def record_outcome(*, actor: User, appeal_id, outcome: str, outcome_on: date, note: str = "") -> Appeal:
    """How the appeal ended; a decision set aside gives back what it took, through the engine."""
    if outcome not in OUTCOME_ACTIONS:
        raise RuleViolation("请选择复议或诉讼的结果。", field="outcome")

    def check(appeal, t):
        if outcome_on < appeal.filed_on or outcome_on > timezone.localdate():
            raise RuleViolation("结果日期应在提起日期之后、今天之前。", field="outcome_on")

    appeal, _ = perform(
        workflow=APPEAL_WORKFLOW,
        queryset=Appeal.objects.select_related("decision"),
        pk=appeal_id,
        action=OUTCOME_ACTIONS[outcome],
        actor=actor,
        check=check,
        comment=note,
    )
    appeal.outcome_on, appeal.outcome_note = outcome_on, note.strip()
    appeal.save(update_fields=["outcome_on", "outcome_note"])
    if outcome == AppealState.SET_ASIDE:
        for undo in _UNDO.get(appeal.decision.kind, []):
            undo(appeal.decision, actor=actor, appeal=appeal)
    events.happened(
        "appeal.decided", actor=actor, appeal=appeal, decision=appeal.decision, subject=appeal.decision.subject
    )
    return appeal
