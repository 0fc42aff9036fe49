"""Who may see what: the only place in the code that answers it.

Each model that a user can reach through a URL has one scope rule here: a Q object of the rows the
user may see. Views fetch through `get_visible_or_404` (out of scope answers 404, never 403, so ids
leak nothing); lists go through `visible`; services lock rows through the same rule.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .users.models import Role

NOTHING = Q(pk__in=[])
EVERYTHING = Q()

_rules: dict[str, Callable] = {}


def rule(label: str):
    """Register the scope rule of the model `app_label.ModelName`."""

    def register(fn):
        _rules[label] = fn
        return fn

    return register


def scope_q(user, model: type[Model]) -> Q:
    """The rows of `model` that `user` may see, as a Q object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    try:
        fn = _rules[model._meta.label]
    except KeyError:
        raise LookupError(f"no access rule for {model._meta.label}") from None
    return fn(user)


def visible(user, queryset: QuerySet) -> QuerySet:
    return queryset.filter(scope_q(user, queryset.model))


def get_visible_or_404(user, queryset, **lookup):
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("未找到该记录。") from None


def can_see(user, obj) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def has_role(user, *roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def require_role(user, *roles) -> None:
    """For services: refuse, with the domain error the pages show, an actor whose role may not do this."""
    if not has_role(user, *roles):
        from .workflow import RuleViolation  # workflow imports this module

        raise RuleViolation("您的角色无权执行此操作。")


def role_required(*roles):
    """Only these roles reach the view; anyone else signed in gets 404 (nothing to learn from a 403)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise Http404("页面不存在。")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorate


def _recommender_routing(user, prefix: str = "") -> Q:
    """Applications routed to the recommender's own unit: its city's HR bureau or its department."""
    if user.region_id:
        return Q(**{f"{prefix}recommender_region_id": user.region_id})
    if user.department_id:
        return Q(**{f"{prefix}recommender_department_id": user.department_id})
    return NOTHING


# -- organisations ------------------------------------------------------------------------------


@rule("users.Institution")
def _institution(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(pk=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return Q(pk__in=_submitted_applications_routed_to(user).values("institution_id"))
    return NOTHING


@rule("users.User")
def _user(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    return Q(pk=user.pk)


# -- applications --------------------------------------------------------------------------------


def _submitted_applications_routed_to(user):
    from applications.models import Application

    return Application.objects.filter(_recommender_routing(user), submitted_at__isnull=False)


@rule("applications.Batch")
def _batch(user) -> Q:
    return EVERYTHING if user.role in (Role.PROVINCE, Role.INSTITUTION, Role.RECOMMENDER) else NOTHING


@rule("applications.Application")
def _application(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        # A draft that was never submitted is not yet routed to anyone.
        return _recommender_routing(user) & Q(submitted_at__isnull=False)
    return NOTHING


def _through_application(user, prefix="application__") -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    if user.role == Role.RECOMMENDER:
        return _recommender_routing(user, prefix) & Q(**{f"{prefix}submitted_at__isnull": False})
    return NOTHING


rule("applications.ApplicationDocument")(_through_application)
rule("applications.ApplicationPerson")(_through_application)
rule("applications.SiteVisit")(_through_application)


@rule("applications.Bar")
def _bar(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    return NOTHING


# -- bases ---------------------------------------------------------------------------------------


@rule("bases.Base")
def _base(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return _recommender_routing(user, "application__")
    return NOTHING


@rule("bases.ChangeFiling")
def _change_filing(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    return NOTHING


@rule("applications.Objection")
def _objection(user) -> Q:
    return EVERYTHING if user.role == Role.PROVINCE else NOTHING


def _through_base(user) -> Q:
    """A record of a base's own: the province, the base's institution and the unit that recommended it."""
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return _recommender_routing(user, "base__application__")
    return NOTHING


rule("bases.AnnualFiling")(_through_base)
rule("inspections.RectificationOrder")(_through_base)
rule("inspections.CancellationRequest")(_through_base)
rule("inspections.Revocation")(_through_base)


# -- supervision ---------------------------------------------------------------------------------------


@rule("inspections.Inspection")
def _inspection(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSPECTOR:
        return Q(inspector_unit_id=user.inspector_unit_id)  # only what is assigned to the user's unit
    if user.role == Role.INSTITUTION:
        # An institution sees its own inspections once the province has confirmed the result.
        return Q(base__institution_id=user.institution_id, state__in=["confirmed", "published"])
    return NOTHING


@rule("inspections.SpotCheckDraw")
def _draw(user) -> Q:
    return EVERYTHING if user.role == Role.PROVINCE else NOTHING


@rule("inspections.SupervisionDocument")
def _supervision_document(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSPECTOR:
        return Q(inspection__inspector_unit_id=user.inspector_unit_id)
    if user.role == Role.INSTITUTION:
        mine = user.institution_id
        return (
            Q(rectification__base__institution_id=mine)
            | Q(revocation__base__institution_id=mine)
            | Q(inspection__base__institution_id=mine, inspection__state__in=["confirmed", "published"])
        )
    if user.role == Role.RECOMMENDER:  # what it sees on the rectifications and revocations of its bases
        return _recommender_routing(user, "rectification__base__application__") | _recommender_routing(
            user, "revocation__base__application__"
        )
    return NOTHING
