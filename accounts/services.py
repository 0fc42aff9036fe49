"""Writes about accounts: self-registration of institutions, staff accounts, departments."""

from django.db import transaction

from .models import Department, Institution, Role, User


@transaction.atomic
def register_institution(*, account: dict, institution: dict, password: str) -> User:
    """Create an institution and its first account in one step (Art. 8(3): 注册继续教育机构账号)."""
    inst = Institution(**institution)
    inst.full_clean()
    inst.save()
    user = User(role=Role.INSTITUTION, institution=inst, **account)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def create_staff_account(*, actor: User, password: str, **fields) -> User:
    """The province (or an administrator) creates a recommender, inspector or province account."""
    user = User(**fields)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def set_account_active(*, actor: User, user: User, active: bool) -> User:
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def save_department(*, actor: User, department: Department | None = None, name: str, active: bool = True) -> Department:
    department = department or Department()
    department.name = name.strip()
    department.active = active
    department.full_clean()
    department.save()
    return department
