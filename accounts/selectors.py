"""Reads about accounts: who should hear about what, and the categories of Art. 3."""

from django.db.models import Count, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import InstitutionKind, Role, TrainingField, User


def province_staff() -> QuerySet[User]:
    return User.objects.filter(role=Role.PROVINCE, is_active=True)


def recommender_staff(*, region_id=None, department_id=None) -> QuerySet[User]:
    if region_id:
        return User.objects.filter(role=Role.RECOMMENDER, region_id=region_id, is_active=True)
    if department_id:
        return User.objects.filter(role=Role.RECOMMENDER, department_id=department_id, is_active=True)
    return User.objects.none()


def recommenders_of(routed) -> QuerySet[User]:
    """The staff of the unit a record is routed to for recommendation (its city bureau or department)."""
    return recommender_staff(region_id=routed.recommender_region_id, department_id=routed.recommender_department_id)


def institution_staff(institution_id) -> QuerySet[User]:
    return User.objects.filter(role=Role.INSTITUTION, institution_id=institution_id, is_active=True)


def inspector_staff(inspector_unit_id) -> QuerySet[User]:
    return User.objects.filter(role=Role.INSPECTOR, inspector_unit_id=inspector_unit_id, is_active=True)


def staff_accounts() -> QuerySet[User]:
    return (
        User.objects.exclude(role=Role.INSTITUTION)
        .select_related("region", "department", "inspector_unit")
        .order_by("role", "username")
    )


def categories_overview() -> dict:
    """Both lists of categories (Art. 3) for the province's page: 2 queries."""
    return {
        "fields": TrainingField.objects.annotate(alias_count=Count("aliases")),
        "kinds": InstitutionKind.objects.all(),
    }


def category_history(category) -> QuerySet:
    """Who changed a category and how, newest first (django-simple-history)."""
    return category.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]


def has_two_factor(user: User) -> bool:
    """The user has a confirmed authenticator: signing in takes a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_status(user: User) -> dict:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return {
        "device": device,
        "backup_codes_left": StaticToken.objects.filter(device__user=user).count() if device else 0,
        "required": user.two_factor_required,
    }
