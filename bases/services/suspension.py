"""Suspension (Art. 23 second list (2)): a base whose work stops because its building unit is dissolved,
merged or restructured is suspended from a date, by a numbered decision; it is restored with evidence.
A month before the year is up the province is warned: a revocation on that ground is allowed only after
a full year without restoration (supervision.services.revocation)."""

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as people
from accounts.models import User
from applications import hearings
from core import access, decisions, events, timeline
from core.errors import RuleViolation
from core.models import DecisionKind
from core.notifications import notify
from core.workflow import perform

from ..models import Base, BaseStatus, Suspension
from ..workflow import BASE_WORKFLOW

WARN_DAYS_BEFORE = 30


@transaction.atomic
def suspend(*, actor: User, base_id, started_on: date, cause: str) -> Suspension:
    """Suspend a base's work from `started_on` (not in the future, not before recognition)."""
    if not cause.strip():
        raise RuleViolation("请写明建设单位撤销、合并或改制等导致暂停的情况。", field="cause")
    today = timezone.localdate()

    def check(base, t):
        if started_on > today:
            raise RuleViolation("暂停日期不能晚于今天。", field="started_on", article="第二十三条第二款第二项")
        if started_on < base.recognised_on:
            raise RuleViolation("暂停日期不能早于基地的认定日期。", field="started_on")

    base, t = perform(
        workflow=BASE_WORKFLOW,
        queryset=Base.objects.select_related("institution", "application"),
        pk=base_id,
        action="suspend",
        actor=actor,
        comment=cause,
        check=check,
    )
    suspension = Suspension.objects.create(base=base, started_on=started_on, cause=cause.strip(), created_by=actor)
    year_up = suspension.year_up_on
    suspension.decision = decisions.issue(
        kind=DecisionKind.SUSPENSION,
        subject=base,
        actor=actor,
        title=f"关于暂停{base.name}省级专业技术人员继续教育基地工作的决定",
        addressee=base.institution.name,
        facts=f"{base.name}（{base.register_number}）：{cause.strip()}",
        basis="《福建省省级专业技术人员继续教育基地管理办法》第二十三条第二款第二项",
        body=(
            f"自{started_on:%Y年%-m月%-d日}起暂停{base.name}的省级继续教育基地工作。"
            f"请于{year_up:%Y年%-m月%-d日}前完成调整并申请恢复；一年内无法恢复的，依第二十三条第二款第二项撤销基地资格。"
        ),
        adverse=True,
        carbon_copy=base.application.recommender_name if base.application_id else "",
    )
    suspension.save(update_fields=["decision"])
    base.status_changed_on = started_on
    base.save(update_fields=["status_changed_on"])
    events.happened("base.suspended", actor=actor, base=base, suspension=suspension)
    return suspension


@transaction.atomic
def resume(*, actor: User, base_id, resumed_on: date, evidence: str) -> Suspension:
    """Restore a suspended base's work, with the evidence (a new building unit, an approval)."""

    def check(base, t):
        if resumed_on > timezone.localdate():
            raise RuleViolation("恢复日期不能晚于今天。", field="resumed_on")

    base = access.get_visible_or_404(actor, Base.objects.all(), pk=base_id)
    before = timeline.last_state_before(base, actions=("suspend",))
    base, t = perform(
        workflow=BASE_WORKFLOW,
        queryset=Base.objects.select_related("institution"),
        pk=base_id,
        action="resume_rectifying" if before == BaseStatus.RECTIFYING else "resume",
        actor=actor,
        comment=evidence,
        check=check,
    )
    suspension = base.suspensions.select_for_update().filter(resumed_on=None).first()
    if suspension is None or resumed_on < suspension.started_on:
        raise RuleViolation("恢复日期不能早于暂停日期。", field="resumed_on")
    suspension.resumed_on, suspension.resume_evidence = resumed_on, evidence.strip()
    suspension.save(update_fields=["resumed_on", "resume_evidence"])
    base.status_changed_on = resumed_on
    base.save(update_fields=["status_changed_on"])
    return suspension


def current_suspension(base: Base) -> Suspension | None:
    if base.status != BaseStatus.SUSPENDED:
        return None
    return base.suspensions.filter(resumed_on=None).first()


@transaction.atomic
def warn_suspensions_ending(*, today: date) -> int:
    """Daily: a month before a suspension's year is up, tell the province (once per suspension)."""
    due = (
        Suspension.objects.select_for_update(of=("self",))
        .select_related("base")
        .filter(resumed_on=None, warned_at=None, base__status=BaseStatus.SUSPENDED)
    )
    count = 0
    staff = None
    for suspension in due:
        if today < suspension.year_up_on - timedelta(days=WARN_DAYS_BEFORE):
            continue
        staff = staff if staff is not None else list(people.province_staff())
        base = suspension.base
        notify(
            staff,
            title=f"暂停即将满一年：{base.name}",
            body=(
                f"{base.name}自{suspension.started_on:%Y年%-m月%-d日}起暂停，{suspension.year_up_on:%Y年%-m月%-d日}满一年。"
                "届时仍无法恢复的，可依第二十三条第二款第二项撤销基地资格；已恢复的，请办理恢复。"
            ),
            url=reverse("bases:detail", args=[base.pk]),
            dedupe_key=f"suspension-year:{suspension.pk}",
        )
        suspension.warned_at = timezone.now()
        suspension.save(update_fields=["warned_at"])
        count += 1
    return count


@hearings.undone_by_set_aside(DecisionKind.SUSPENSION)
def _resume_after_set_aside(decision, *, actor, appeal):
    """A suspension set aside: the base goes back to work from the day of the ruling."""
    base = Base.objects.get(pk=decision.object_id)
    suspension = Suspension.objects.filter(decision=decision, resumed_on=None).first()
    if suspension is None or base.status != BaseStatus.SUSPENDED:
        return
    resume(
        actor=actor,
        base_id=base.pk,
        resumed_on=appeal.outcome_on or timezone.localdate(),
        evidence=f"{appeal.get_kind_display()}（{appeal.authority}{appeal.case_number}）撤销{decision.number}",
    )
