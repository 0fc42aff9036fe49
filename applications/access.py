"""Who sees which applications and the records that hang off them (SPEC 2.1).

An application is routed to one recommending unit (its city's HR bureau or a provincial department);
a draft that was never submitted is routed to nobody yet.
"""

from django.db.models import Q

from accounts.models import Institution, Role
from core import access
from core.access import EVERYTHING, NOTHING, rule
from experts.access import judged_by

from .models import (
    Appeal,
    Application,
    ApplicationDocument,
    ApplicationPerson,
    Bar,
    Batch,
    FraudReport,
    Hearing,
    HearingDocument,
    Objection,
    SiteVisit,
)


def recommender_routing(user, prefix: str = "") -> Q:
    """Applications (or records reached through `prefix`) routed to the recommender's own unit."""
    if user.region_id:
        return Q(**{f"{prefix}recommender_region_id": user.region_id})
    if user.department_id:
        return Q(**{f"{prefix}recommender_department_id": user.department_id})
    return NOTHING


@rule(Institution)
def _institution(user) -> Q:
    # Institutions are seen through their applications, so their rule lives here, not in accounts.
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(pk=user.institution_id)
    if user.role == Role.RECOMMENDER:
        routed = Application.objects.filter(recommender_routing(user), submitted_at__isnull=False)
        return Q(pk__in=routed.values("institution_id"))
    if user.role == Role.EXPERT:  # the institution under a visit the expert judges
        return Q(pk__in=Application.objects.filter(judged_by(user, Application)).values("institution_id"))
    return NOTHING


@rule(Batch)
def _batch(user) -> Q:
    return EVERYTHING if user.role in (Role.PROVINCE, Role.INSTITUTION, Role.RECOMMENDER) else NOTHING


@rule(Application)
def _application(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user) & Q(submitted_at__isnull=False)
    if user.role == Role.EXPERT:  # read-only, once declared free of conflict on its visit's panel (Art. 26)
        return judged_by(user, Application)
    return NOTHING


@rule(ApplicationDocument, ApplicationPerson, SiteVisit)
def _through_application(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(application__institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "application__") & Q(application__submitted_at__isnull=False)
    if user.role == Role.EXPERT:
        return judged_by(user, Application, "application")
    return NOTHING


@rule(Bar)
def _bar(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    return NOTHING


@rule(Objection)
def _objection(user) -> Q:
    return EVERYTHING if user.role == Role.PROVINCE else NOTHING


@rule(Hearing, Appeal)
def _party(user) -> Q:
    """A notice of an intended decision, or an appeal, is seen by the province and the party."""
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    return NOTHING


@rule(HearingDocument)
def _hearing_document(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(hearing__institution_id=user.institution_id)
    return NOTHING


@rule(FraudReport)
def _fraud_report(user) -> Q:
    """A report of suspected fraud is seen by the province and the unit that made it, never the institution."""
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "application__")
    return NOTHING


# -- what each role may do that is not about one record ------------------------------------------------

access.capability("manage_batches", roles={Role.PROVINCE})  # open, edit, close and reopen batches
access.capability("apply", roles={Role.INSTITUTION})  # its own applications; start one in an open batch
access.capability("recommend_applications", roles={Role.RECOMMENDER})  # the queue of its own unit
access.capability("review_applications", roles={Role.PROVINCE})  # the provincial queue, visits, objections
access.capability("keep_bars", roles={Role.PROVINCE})  # the list of bars in force (Art. 24)
access.capability("keep_calendar", roles={Role.PROVINCE})  # the holiday calendar of notice periods
access.capability("see_hearings", roles={Role.PROVINCE, Role.INSTITUTION})  # notices of intended decisions
access.capability("keep_appeals", roles={Role.PROVINCE})  # appeals against decisions and their outcomes
access.capability("handle_fraud_reports", roles={Role.PROVINCE})  # reports of suspected fraud (Art. 24)


# -- objections to a public notice: the province records how each was resolved -------------------------


def _not_yet_resolved(objection, user):
    return "该异议已处理。" if objection.is_resolved else None


access.permit(
    Objection,
    "resolve",
    roles={Role.PROVINCE},
    guards=(_not_yet_resolved,),
    role_message="只有省人社厅可以处理异议。",
)


access.permit(Hearing, "view", roles={Role.PROVINCE, Role.INSTITUTION})
access.permit(Appeal, "view", roles={Role.PROVINCE, Role.INSTITUTION})
access.permit(FraudReport, "view", roles={Role.PROVINCE, Role.RECOMMENDER})


# -- fraud (Art. 24): a recommending unit reports what it suspects in an application it handles --------


def _after_submission(app, user):
    return None if app.submitted_at else "尚未提交的申报不能报告弄虚作假线索。"


def _no_open_report(app, user):
    if app.fraud_reports.filter(state="submitted").exists():
        return "已报告过该申报的弄虚作假线索，待省人社厅核实。"
    return None


access.permit(
    Application,
    "report_fraud",
    roles={Role.RECOMMENDER},
    guards=(_after_submission, _no_open_report),
    role_message="只有推荐单位可以报告弄虚作假线索。",
)


def _not_yet_found(app, user):
    return "已认定该申报弄虚作假。" if app.fraud_finding else None


# The province finds fraud in an application in any state after submission, even withdrawn or recognised.
access.permit(
    Application,
    "find_fraud",
    roles={Role.PROVINCE},
    guards=(_after_submission, _not_yet_found),
    role_message="只有省人社厅可以认定弄虚作假。",
)
