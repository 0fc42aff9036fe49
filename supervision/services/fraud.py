"""Fraud in an application (Art. 24), whenever it comes to light: a recommending unit reports it, the
province hears the institution and finds it, in any state after submission — withdrawn and recognised
included. A finding bars the institution for ever, ends an application still in progress, revokes a
recognised base on that ground, and is announced."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications import hearings
from applications.models import (
    IN_PROGRESS,
    Application,
    Bar,
    BarKind,
    FraudReport,
    Hearing,
    HearingKind,
    State,
)
from applications.services import subject_label
from applications.workflow import FRAUD_REPORT_WORKFLOW, WORKFLOW
from bases.models import AnnouncementKind, Base
from bases.services.publishing import TO_BE_NUMBERED, Draft, announce, check_confirmed, signature
from core import access, decisions, events
from core.errors import RuleViolation
from core.models import Decision, DecisionKind
from core.workflow import perform

from ..models import Revocation, RevocationGround
from .revocation import announcement_draft, revoke, set_aside_revocation

BASIS = "《福建省省级专业技术人员继续教育基地管理办法》第二十四条"


def _revoked_base(app: Application) -> Base | None:
    """The base a finding revokes: the one the application recognised, if it is still live."""
    base = getattr(app, "base", None)
    return base if base is not None and base.is_live else None


def _revocation_reason(facts: str, number: str) -> str:
    return f"认定申报材料弄虚作假（{number}）：{facts.strip()}"


def finding_draft(app: Application, *, number: str = TO_BE_NUMBERED) -> Draft:
    """The public announcement of a fraud finding, as the preview shows it and as it is published (with the
    decision's 文号 in place of 保存后分配)."""
    return Draft(
        kind_label=AnnouncementKind.OTHER.label,
        title=f"关于认定{app.institution.name}申报材料弄虚作假的公告",
        body=(
            f"经查，{app.institution.name}在省级专业技术人员继续教育基地认定申报（{app.batch.name}）中弄虚作假、"
            f"伪造申报材料。依据《福建省省级专业技术人员继续教育基地管理办法》第二十四条，省人社厅不再受理该机构的"
            f"认定申请（{number}）。\n\n{signature()}"
        ),
        numbered=True,
    )


def fraud_drafts(app: Application, *, facts: str) -> list[Draft]:
    """What a finding publishes, as the preview shows it: its announcement and, when it revokes a live base,
    the announcement of that revocation (Art. 24)."""
    drafts = [finding_draft(app)]
    if base := _revoked_base(app):
        drafts.append(
            announcement_draft(
                base,
                ground=RevocationGround.FRAUD,
                reason=_revocation_reason(facts, TO_BE_NUMBERED),
                effective_on=timezone.localdate(),
            )
        )
    return drafts


def _application(actor: User, application_id, action: str) -> Application:
    app = access.get_visible_or_404(
        actor,
        Application.objects.select_related("institution", "batch", "recommender_region", "recommender_department"),
        pk=application_id,
    )
    access.require(actor, action, app)
    return app


@transaction.atomic
def report_fraud(*, actor: User, application_id, facts: str) -> FraudReport:
    """A recommending unit reports suspected fraud in an application it handles; the province will judge."""
    app = _application(actor, application_id, "report_fraud")
    if not facts.strip():
        raise RuleViolation("请写明涉嫌弄虚作假的具体事实。", field="facts")
    report = FraudReport.objects.create(application=app, reported_by=actor, facts=facts.strip())
    events.happened("fraud.reported", actor=actor, application=app, report=report)
    return report


@transaction.atomic
def handle_report(*, actor: User, report_id, confirm: bool, note: str = "") -> FraudReport:
    """The province confirms a report (and notifies the institution of the intended finding) or dismisses it."""
    report, _ = perform(
        workflow=FRAUD_REPORT_WORKFLOW,
        queryset=FraudReport.objects.select_related("application"),
        pk=report_id,
        action="confirm" if confirm else "dismiss",
        actor=actor,
        comment=note,
    )
    report.handled_at, report.handled_note = timezone.now(), note.strip()
    report.save(update_fields=["handled_at", "handled_note"])
    if confirm:
        facts = report.facts + (f"\n{note.strip()}" if note.strip() else "")
        propose_fraud_finding(actor=actor, application_id=report.application_id, facts=facts)
    events.happened("fraud.report_handled", actor=actor, application=report.application, report=report)
    return report


@transaction.atomic
def propose_fraud_finding(*, actor: User, application_id, facts: str) -> Hearing:
    """Notify the institution of the intended fraud finding and hear it (SPEC 2.10)."""
    app = _application(actor, application_id, "find_fraud")
    if not facts.strip():
        raise RuleViolation("请写明弄虚作假的具体事实。", field="facts")
    consequence = "依据第二十四条，不再受理你单位的认定申请"
    if base := _revoked_base(app):
        consequence += f"，并撤销{base.name}省级专业技术人员继续教育基地资格"
    return hearings.give_notice(
        actor=actor,
        subject=app,
        kind=HearingKind.FRAUD,
        institution=app.institution,
        subject_label=subject_label(app),
        facts=facts,
        grounds=BASIS,
        intended=f"认定你单位在省级专业技术人员继续教育基地认定申报中弄虚作假、伪造申报材料；{consequence}。",
        proposal={"facts": facts.strip()},
    )


@transaction.atomic
def find_fraud(
    *, actor: User, application_id, facts: str, response: str = "", expected_digest: str | None = None
) -> Decision:
    """Find fraud after the hearing: a permanent bar, the application ended, a recognised base revoked, and
    the finding announced; with `expected_digest`, only in the words the province previewed (`fraud_drafts`)."""
    app = _application(actor, application_id, "find_fraud")
    if not facts.strip():
        raise RuleViolation("请写明弄虚作假的具体事实。", field="facts")
    hearing = hearings.require_heard(app, HearingKind.FRAUD)
    heard_text = hearings.record_of(hearing, response)
    base = _revoked_base(app)
    check_confirmed(fraud_drafts(app, facts=facts), expected_digest)
    if app.state in IN_PROGRESS - {State.DRAFT}:
        app, _ = perform(
            workflow=WORKFLOW,
            queryset=Application.objects.select_related("institution", "batch"),
            pk=app.pk,
            action="reject_for_fraud",
            actor=actor,
            comment=facts,
        )
        app.decided_at, app.decision_reason = timezone.now(), facts.strip()
    app.fraud_finding = True
    app.save(update_fields=["fraud_finding", "decided_at", "decision_reason", "updated_at"])
    body = "认定你单位在省级专业技术人员继续教育基地认定申报中弄虚作假、伪造申报材料。依据第二十四条，不再受理你单位的认定申请。"
    if base is not None:
        body += f"\n{base.name}（{base.register_number}）省级专业技术人员继续教育基地资格同时撤销，另行发文。"
    decision = decisions.issue(
        kind=DecisionKind.FRAUD,
        subject=app,
        actor=actor,
        title=f"关于认定{app.institution.name}申报材料弄虚作假的决定",
        addressee=app.institution.name,
        facts=f"{subject_label(app)}。\n{facts.strip()}\n{heard_text}",
        basis=BASIS,
        body=body,
        adverse=True,
        carbon_copy=app.recommender_name,
    )
    hearings.close(hearing, actor=actor, decision=decision, response=response)
    Bar.objects.create(
        institution=app.institution,
        kind=BarKind.FRAUD,
        starts_on=decision.decided_on,
        last_day=None,
        reason=f"{decision.number}：{facts.strip()}",
        article="第二十四条",
        application=app,
    )
    announce(
        finding_draft(app, number=decision.number),
        kind=AnnouncementKind.OTHER,
        actor=actor,
        number=decision.number,
        bases=[base] if base is not None else (),
    )
    if base is not None:
        revoke(
            actor=actor,
            base_id=base.pk,
            ground=RevocationGround.FRAUD,
            reason=_revocation_reason(facts, decision.number),
            effective_on=decision.decided_on,
            heard=hearing,
        )
    events.happened("application.fraud_found", actor=actor, application=app, decision=decision)
    return decision


@hearings.undone_by_set_aside(DecisionKind.FRAUD)
def _reinstate_base_revoked_for_fraud(decision, *, actor, appeal):
    """A fraud finding set aside takes its revocation with it."""
    for revocation in Revocation.objects.filter(
        base__application_id=decision.object_id, ground=RevocationGround.FRAUD, set_aside_on=None
    ):
        set_aside_revocation(revocation, actor=actor, appeal=appeal)
