"""Who sees which applications and the records that hang off them (SPEC 2.1).

An application is routed to one recommending unit (its city's HR bureau or a provincial department);
a draft that was never submitted is routed to nobody yet.
"""

from django.db.models import Q

from accounts.models import Institution, Role
from core import access
from core.access import EVERYTHING, NOTHING, rule

from .models import Application, ApplicationDocument, ApplicationPerson, Bar, Batch, Objection, SiteVisit


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
    return NOTHING


@rule(ApplicationDocument, ApplicationPerson, SiteVisit)
def _through_application(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(application__institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "application__") & Q(application__submitted_at__isnull=False)
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


# -- what each role may do that is not about one record ------------------------------------------------

access.capability("manage_batches", roles={Role.PROVINCE})  # open, edit, close and reopen batches
access.capability("apply", roles={Role.INSTITUTION})  # its own applications; start one in an open batch
access.capability("recommend_applications", roles={Role.RECOMMENDER})  # the queue of its own unit
access.capability("review_applications", roles={Role.PROVINCE})  # the provincial queue, visits, objections
access.capability("keep_bars", roles={Role.PROVINCE})  # the list of bars in force (Art. 24)
access.capability("keep_calendar", roles={Role.PROVINCE})  # the holiday calendar of notice periods


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
