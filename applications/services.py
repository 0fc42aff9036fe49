"""Every write on batches and applications: one function per user action, each in a transaction."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import access, decisions, events, timeline, uploads
from core.errors import Conflict, RuleViolation
from core.models import DecisionKind
from core.workflow import perform

from . import hearings, rules
from .events import TOLD_AFTER
from .models import (
    Application,
    ApplicationDocument,
    ApplicationPerson,
    Batch,
    Condition,
    Hearing,
    HearingKind,
    RecommenderKind,
    SiteVisit,
    State,
)
from .workflow import WORKFLOW

# Applicant fields that are sets of categories (Art. 3), saved after the row.
MANY_TO_MANY = {"training_fields"}

APPLICANT_FIELDS = [
    "training_fields",
    "introduction",
    "is_city_base",
    "city_base_reference",
    "is_industry_base",
    "industry_base_reference",
    "is_independent_legal_person",
    "qualification",
    "office_address",
    "teaching_capacity",
    "teaching_equipment",
    "needs_practical_training",
    "practical_training",
    "faculty_total",
    "faculty_description",
    "trained_year_1",
    "trained_year_2",
    "trained_year_3",
    "experience_description",
    "credit_declaration",
    "credit_statement",
    "trains_online",
    "platform_name",
    "platform_url",
    "platform_can_connect",
    "contact_person",
    "contact_phone",
    "contact_email",
    "recommender_kind",
    "recommender_department",
]
PERSON_FIELDS = ["kind", "name", "degree", "title", "full_time", "specialty"]


# -- batches (Art. 8: 分批进行申报和评定) ---------------------------------------------------------------


@transaction.atomic
def save_batch(*, actor: User, batch: Batch | None = None, **fields) -> Batch:
    """Create or edit a batch (province)."""
    access.require_capability(actor, "manage_batches")
    batch = batch or Batch()
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.full_clean()
    batch.save()
    return batch


@transaction.atomic
def close_batch(*, actor: User, batch: Batch) -> Batch:
    """Stop accepting applications in a batch now (province)."""
    access.require_capability(actor, "manage_batches")
    if not batch.may_close_early:
        raise RuleViolation("该批次已截止，无需再截止。")
    batch.closed_at = timezone.now()
    batch.save(update_fields=["closed_at"])
    return batch


@transaction.atomic
def reopen_batch(*, actor: User, batch: Batch) -> Batch:
    access.require_capability(actor, "manage_batches")
    if batch.closes_on < timezone.localdate():
        raise RuleViolation("截止日期已过，请先修改截止日期再重新开放。", field="closes_on")
    batch.closed_at = None
    batch.save(update_fields=["closed_at"])
    return batch


# -- the applicant's draft ---------------------------------------------------------------------------


@transaction.atomic
def start_application(*, actor: User, batch: Batch) -> Application:
    """Open a draft in an open batch for the actor's institution (Art. 8(1), 8(3))."""
    access.require_capability(actor, "apply")
    if not batch.is_open():
        raise RuleViolation(f"“{batch.name}”当前不在申报时间内，不能填报。", article="第八条")
    institution = actor.institution
    problems = rules.eligibility_problems(institution)
    if problems:
        raise RuleViolation(problems[0].message, article=problems[0].article)
    app = Application.objects.create(
        batch=batch,
        institution=institution,
        created_by=actor,
        office_address=institution.address,
        contact_person=institution.contact_person,
        contact_phone=institution.phone,
        contact_email=institution.email,
        recommender_kind=RecommenderKind.REGION,
        recommender_region=institution.region,
    )
    events.happened("application.created", actor=actor, application=app)
    return app


def _editable_for(actor: User, application_id) -> Application:
    app = access.get_visible_or_404(actor, Application.objects.select_for_update(), pk=application_id)
    access.require(actor, "edit", app)
    return app


@transaction.atomic
def save_draft(*, actor: User, application_id, data: dict, people_rows: list[dict] | None = None) -> Application:
    """Save what the institution typed, whatever its completeness: the draft is its own (SPEC 2.2)."""
    app = _editable_for(actor, application_id)
    for name in APPLICANT_FIELDS:
        if name in data and name not in MANY_TO_MANY:
            setattr(app, name, data[name])
    # Routing: the HR bureau of the institution's own city, or a provincial industry department.
    if app.recommender_kind == RecommenderKind.DEPARTMENT:
        app.recommender_region = None
    else:
        app.recommender_kind = RecommenderKind.REGION
        app.recommender_region = app.institution.region
        app.recommender_department = None
    app.save()
    for name in MANY_TO_MANY:
        if name in data:
            getattr(app, name).set(data[name] or [])
    if people_rows is not None:
        _replace_people(app, people_rows)
    return app


def _replace_people(app: Application, rows: list[dict]) -> None:
    existing = {p.pk: p for p in app.people.all()}
    keep = set()
    for row in rows:
        pk = row.get("id")
        person = existing.get(pk) if pk else None
        if person is None:
            person = ApplicationPerson(application=app)
        changed = person.pk is None
        for name in PERSON_FIELDS:
            if getattr(person, name) != row[name]:
                setattr(person, name, row[name])
                changed = True
        if changed:
            person.save()
        keep.add(person.pk)
    for pk, person in existing.items():
        if pk not in keep:
            person.delete()


@transaction.atomic
def upload_document(*, actor: User, application_id, condition: str, file, replaces_id=None) -> ApplicationDocument:
    """Attach a checked supporting document; replacing one keeps the old file in the history."""
    if condition == Condition.SITE_VISIT:
        app = access.get_visible_or_404(actor, Application.objects.select_for_update(), pk=application_id)
        access.require(actor, "add_visit_material", app)
    else:
        app = _editable_for(actor, application_id)
    checked = uploads.check(file)
    old = None
    if replaces_id:
        old = app.documents.filter(pk=replaces_id, replaced_at=None).first()
        if old is None:
            raise RuleViolation("要替换的材料不存在或已被替换。")
        condition = old.condition
    doc = uploads.store(
        ApplicationDocument(application=app, condition=condition, sha256=checked.sha256, uploaded_by=actor), checked
    )
    label = Condition(condition).label
    if old is not None:
        old.replaced_at = timezone.now()
        old.save(update_fields=["replaced_at"])
        events.happened(
            "application.document_replaced", actor=actor, application=app, document=doc, old=old, label=label
        )
    else:
        events.happened("application.document_uploaded", actor=actor, application=app, document=doc, label=label)
    return doc


@transaction.atomic
def remove_document(*, actor: User, application_id, document_id) -> ApplicationDocument:
    """Take a document out of the current set; the file stays in the history."""
    app = _editable_for(actor, application_id)
    doc = app.documents.filter(pk=document_id, replaced_at=None).first()
    if doc is None:
        raise RuleViolation("该材料不存在或已被撤下。")
    doc.replaced_at = timezone.now()
    doc.save(update_fields=["replaced_at"])
    events.happened(
        "application.document_removed",
        actor=actor,
        application=app,
        document=doc,
        label=Condition(doc.condition).label,
    )
    return doc


# -- the workflow ------------------------------------------------------------------------------------


@transaction.atomic
def submit(*, actor: User, application_id, expected_state: str | None = None) -> Application:
    """Run the Art. 7 pre-check and the Art. 24 bars, then send the application to its recommender (Art. 8(3))."""

    def check(app, t):
        if not app.batch.is_open():
            raise RuleViolation(f"“{app.batch.name}”已不在申报时间内，不能提交。", article="第八条")
        blocked = rules.eligibility_problems(app.institution, excluding_application_id=app.pk)
        if blocked:
            raise RuleViolation(blocked[0].message, article=blocked[0].article)
        unmet = rules.unmet_conditions(app)
        if unmet:
            raise PrecheckFailed(unmet)

    app, t = perform(
        workflow=WORKFLOW,
        queryset=Application.objects.select_related("batch", "institution"),
        pk=application_id,
        action="submit",
        actor=actor,
        expected_state=expected_state,
        check=check,
    )
    now = timezone.now()
    app.submitted_at = app.submitted_at or now
    app.last_submitted_at = now
    if not app.acceptance_number:  # the receipt's number, taken under the sequence's row lock
        year = timezone.localdate().year
        app.acceptance_number = f"SB{year}{decisions.next_number(ACCEPTANCE_SERIES, year):05d}"
    app.save(update_fields=["submitted_at", "last_submitted_at", "acceptance_number", "updated_at"])
    events.happened("application.submitted", actor=actor, application=app)
    return app


class PrecheckFailed(RuleViolation):
    """Submission refused: the conditions of Art. 7 not yet met, each named with its article."""

    def __init__(self, problems):
        super().__init__("申报尚未满足以下条件，不能提交：" + "；".join(str(p) for p in problems), article="第七条")
        self.problems = problems


@transaction.atomic
def transition(
    *, actor: User, application_id, action: str, comment: str = "", expected_state: str | None = None
) -> Application:
    """Any transition that needs nothing but an optional comment (withdraw, recommend, return, ...)."""
    if action not in TOLD_AFTER:
        raise RuleViolation("该操作需要填写专门的表单。")
    app, t = perform(
        workflow=WORKFLOW,
        queryset=Application.objects.select_related(
            "batch", "institution", "recommender_region", "recommender_department"
        ),
        pk=application_id,
        action=action,
        actor=actor,
        comment=comment,
        expected_state=expected_state,
    )
    if action == "withdraw" and timeline.last_state_before(app, actions=("withdraw",)) in RECOMMENDED_ONCE:
        # allowed, but on record: withdrawing does not end a pending fraud review (Art. 24)
        events.happened("application.withdrawn_late", actor=actor, application=app)
    if t.target in (State.NOT_RECOMMENDED, State.WITHDRAWN):
        app.decided_at = timezone.now()
        app.decision_reason = comment
        app.save(update_fields=["decided_at", "decision_reason", "updated_at"])
    events.happened(TOLD_AFTER[action], actor=actor, application=app, comment=comment.strip())
    return app


@transaction.atomic
def schedule_visit(
    *,
    actor: User,
    application_id,
    scheduled_on: date,
    team: str,
    comment: str = "",
    expected_state: str | None = None,
) -> SiteVisit:
    """Schedule the on-site check of Art. 8(4)."""
    app, t = perform(
        workflow=WORKFLOW,
        queryset=Application.objects.select_related("institution"),
        pk=application_id,
        action="schedule_visit",
        actor=actor,
        comment=comment or f"考察日期：{scheduled_on:%Y年%-m月%-d日}；考察组：{team}",
        expected_state=expected_state,
    )
    visit, _ = SiteVisit.objects.update_or_create(
        application=app, defaults={"scheduled_on": scheduled_on, "team": team}
    )
    events.happened("application.visit_scheduled", actor=actor, application=app, visit=visit)
    return visit


@transaction.atomic
def record_visit(
    *, actor: User, application_id, findings: str, scheduled_on: date | None = None, team: str | None = None
) -> SiteVisit:
    """Record what the site visit found (province), on or after the day of the visit (Art. 8(4))."""
    app = access.get_visible_or_404(actor, Application.objects.select_for_update(), pk=application_id)
    access.require(actor, "record_visit", app)  # the state, and the visit's day has come
    if not findings.strip():
        raise RuleViolation("请填写考察情况。", field="findings")
    if scheduled_on and scheduled_on > timezone.localdate():
        raise RuleViolation(
            "考察日期不能晚于今天：考察情况须在考察当日或之后记录。", field="scheduled_on", article="第八条第四项"
        )
    visit = SiteVisit.objects.select_for_update().get(application=app)
    visit.findings = findings.strip()
    if scheduled_on:
        visit.scheduled_on = scheduled_on
    if team:
        visit.team = team
    visit.recorded_at = timezone.now()
    visit.recorded_by = actor
    visit.save()
    events.happened("application.visit_recorded", actor=actor, application=app, visit=visit)
    return visit


# The series of the acceptance numbers printed on receipts (SB = 申报), in the same locked sequences as 文号.
ACCEPTANCE_SERIES = "申报受理"

# Withdrawn from one of these, the application had been recommended: the withdrawal is put on record.
RECOMMENDED_ONCE = frozenset({State.RECOMMENDED, State.UNDER_REVIEW, State.SITE_VISIT})

REFUSAL_BASIS = "《福建省省级专业技术人员继续教育基地管理办法》第八条第四项"


def subject_label(app: Application) -> str:
    return f"{app.institution.name}的省级继续教育基地认定申报（{app.batch.name}）"


@transaction.atomic
def propose_refusal(*, actor: User, application_id, reason: str, expected_state: str | None = None) -> Hearing:
    """Before refusing after review, tell the institution why and hear it (SPEC 2.10)."""
    app = access.get_visible_or_404(
        actor, Application.objects.select_for_update().select_related("institution", "batch"), pk=application_id
    )
    if expected_state and app.state != expected_state:
        raise Conflict(f"该申报已由他人处理，当前状态为「{app.get_state_display()}」，您的操作未执行，请查看最新情况。")
    refused = WORKFLOW.refusal(app, "reject", actor)
    if refused is not None:
        raise refused
    if not reason.strip():
        raise RuleViolation("请填写拟不予认定的理由。", field="reason")
    return hearings.give_notice(
        actor=actor,
        subject=app,
        kind=HearingKind.REFUSAL,
        institution=app.institution,
        subject_label=subject_label(app),
        facts=reason,
        grounds=REFUSAL_BASIS,
        intended="对你单位的省级专业技术人员继续教育基地认定申报不予认定。",
        proposal={"reason": reason.strip()},
    )


@transaction.atomic
def reject(
    *,
    actor: User,
    application_id,
    reason: str,
    response: str = "",
    expected_state: str | None = None,
) -> Application:
    """Refuse recognition (Art. 8(4)) once the institution has been heard; a numbered decision is issued."""
    holder = {}

    def check(app, t):
        hearing = hearings.require_heard(app, HearingKind.REFUSAL)
        holder["hearing"], holder["record"] = hearing, hearings.record_of(hearing, response)

    app, t = perform(
        workflow=WORKFLOW,
        queryset=Application.objects.select_related("institution", "batch"),
        pk=application_id,
        action="reject",
        actor=actor,
        comment=reason,
        expected_state=expected_state,
        check=check,
    )
    decision = decisions.issue(
        kind=DecisionKind.REFUSAL,
        subject=app,
        actor=actor,
        title=f"关于不予认定{app.institution.name}为省级专业技术人员继续教育基地的决定",
        addressee=app.institution.name,
        facts=f"{subject_label(app)}。\n{reason.strip()}\n{holder['record']}",
        basis=REFUSAL_BASIS,
        body="经审核，决定对你单位的省级专业技术人员继续教育基地认定申报不予认定。",
        adverse=True,
        carbon_copy=app.recommender_name,
    )
    hearings.close(holder["hearing"], actor=actor, decision=decision, response=response)
    app.decided_at = timezone.now()
    app.decision_reason = reason.strip()
    app.save(update_fields=["decided_at", "decision_reason", "updated_at"])
    events.happened(
        "application.rejected", actor=actor, application=app, comment=f"{decision.number}：{reason.strip()}"
    )
    return app


@hearings.undone_by_set_aside(DecisionKind.REFUSAL)
def _reopen_after_set_aside(decision, *, actor, appeal):
    """A refusal set aside: the application goes back to the province's review."""
    perform(
        workflow=WORKFLOW,
        pk=decision.object_id,
        action="reopen",
        actor=actor,
        comment=f"{appeal.get_kind_display()}撤销{decision.number}",
    )


@hearings.undone_by_set_aside(DecisionKind.FRAUD)
def _lift_fraud_bar(decision, *, actor, appeal):
    """A fraud finding set aside: the permanent bar is lifted and the finding cleared."""
    app = Application.objects.select_for_update().get(pk=decision.object_id)
    app.fraud_finding = False
    app.save(update_fields=["fraud_finding", "updated_at"])
    lift_bars(app.bars.all(), reason=f"{appeal.get_kind_display()}撤销{decision.number}")


def lift_bars(bars, *, reason: str) -> int:
    """Lift the bars a decision set aside imposed (kept on record with the reason)."""
    return bars.filter(lifted_on=None).update(lifted_on=timezone.localdate(), lifted_reason=reason)
