"""Writes about accounts: self-registration of institutions, staff accounts, departments, two-factor devices."""

import logging
import secrets
import time
import uuid

from django.db import transaction
from django.utils import timezone
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core import timeline
from core.errors import RuleViolation

from . import categories
from .models import Department, Institution, InstitutionKind, Role, TrainingField, TrainingFieldAlias, User
from .twofactor import BACKUP_CODES

logger = logging.getLogger("jxjy.security")


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


# -- categories (分类管理, Art. 3) -------------------------------------------------------------------------

ARTICLE_3 = "第三条"


def _attributed(category, actor: User):
    category._history_user = actor  # the history says who changed it (django-simple-history)
    return category


def _unique_name(model, name: str, *, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleViolation("请填写名称。", field="name", article=ARTICLE_3)
    clash = model.objects.filter(name=name).exclude(pk=exclude_pk)
    if clash.exists():
        raise RuleViolation(f"已有名为“{name}”的{model._meta.verbose_name}。", field="name", article=ARTICLE_3)
    if model is TrainingField and TrainingFieldAlias.objects.filter(word=name).exists():
        raise RuleViolation(f"“{name}”已是某一培训领域的别名，请先删除该别名。", field="name", article=ARTICLE_3)
    return name


@transaction.atomic
def add_category(*, actor: User, model, name: str, order: int = 0):
    """The province adds a field or an institution kind (Art. 3)."""
    category = model(name=_unique_name(model, name), order=order or 0)
    if model is InstitutionKind:
        category.code = f"k{uuid.uuid4().hex[:8]}"  # records refer to a kind by a code that never changes
    _attributed(category, actor).save()
    return category


@transaction.atomic
def rename_category(*, actor: User, category, name: str, order: int):
    """Rename or reorder a category; every record naming it shows the new name (the history keeps the old)."""
    category = type(category).objects.select_for_update().get(pk=category.pk)
    category.name = _unique_name(type(category), name, exclude_pk=category.pk)
    category.order = order or 0
    _attributed(category, actor).save()
    return category


@transaction.atomic
def retire_category(*, actor: User, category):
    """Stop offering a category for new records; refused while a live base or an open application uses it."""
    category = type(category).objects.select_for_update().get(pk=category.pk)
    if category.retired_on:
        raise RuleViolation(f"“{category.name}”已于{category.retired_on:%Y年%-m月%-d日}停用。", article=ARTICLE_3)
    if in_use := categories.uses(category):
        raise RuleViolation(
            f"“{category.name}”仍在使用中（{'、'.join(in_use)}），不能停用。请先调整这些记录。", article=ARTICLE_3
        )
    category.retired_on = timezone.localdate()
    _attributed(category, actor).save()
    return category


@transaction.atomic
def restore_category(*, actor: User, category):
    category = type(category).objects.select_for_update().get(pk=category.pk)
    if not category.retired_on:
        raise RuleViolation(f"“{category.name}”未停用。", article=ARTICLE_3)
    category.retired_on = None
    _attributed(category, actor).save()
    return category


@transaction.atomic
def add_alias(*, actor: User, field: TrainingField, word: str) -> TrainingFieldAlias:
    """Another way of writing a field, so the old free text maps to it (Art. 3)."""
    word = (word or "").strip()
    if not word:
        raise RuleViolation("请填写别名。", field="word", article=ARTICLE_3)
    if TrainingField.objects.filter(name=word).exists():
        raise RuleViolation(f"“{word}”是培训领域的名称，无需再设别名。", field="word", article=ARTICLE_3)
    if existing := TrainingFieldAlias.objects.filter(word=word).select_related("field").first():
        raise RuleViolation(f"“{word}”已是“{existing.field.name}”的别名。", field="word", article=ARTICLE_3)
    return TrainingFieldAlias.objects.create(word=word, field=field)


@transaction.atomic
def remove_alias(*, actor: User, alias: TrainingFieldAlias) -> None:
    alias.delete()


# -- two-factor sign-in (issue 19 (8)) -------------------------------------------------------------------------


def new_totp_key() -> str:
    """A fresh TOTP key (160 bits, hex), shown on the enrolment page until a code confirms it."""
    return random_hex(20)


def _backup_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enable_two_factor(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app holding `key` by one of its codes: the user's TOTP device and ten single-use
    backup codes (returned once, to be shown once)."""
    totp = TOTP(bytes.fromhex(key), step=30, digits=6)
    totp.time = time.time()
    if not (code.strip().isdigit() and totp.verify(int(code.strip()), tolerance=1)):
        raise RuleViolation("验证码不正确：请输入身份验证器当前显示的6位数字（注意手机时间须准确）。", field="code")
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="身份验证器", key=key, confirmed=True, last_t=totp.t())
    backup, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "备用验证码", "confirmed": True})
    codes = _backup_codes(backup)
    timeline.record(user, actor=user, action="two_factor_enabled", label="启用两步验证")
    logger.info("two-factor sign-in enabled", extra={"user_id": user.pk})
    return device, codes


@transaction.atomic
def regenerate_backup_codes(*, user: User) -> list[str]:
    """Ten new backup codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise RuleViolation("尚未启用两步验证，无法生成备用验证码。")
    backup, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "备用验证码", "confirmed": True})
    codes = _backup_codes(backup)
    timeline.record(user, actor=user, action="backup_codes_regenerated", label="重新生成备用验证码")
    return codes


def verify_second_factor(*, user: User, code: str):
    """The device (authenticator app or backup code, used up) that accepts `code`, or None."""
    code = "".join(code.split())
    if not code.isdigit():
        return None
    return match_token(user, code)


@transaction.atomic
def reset_two_factor(*, actor: User | None, user: User, reason: str = "") -> int:
    """An administrator removes a user's authenticator and backup codes (a lost phone): the user enrols again at the
    next sign-in. Written on the user's timeline and in the security log."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    timeline.record(user, actor=actor, action="two_factor_reset", label="重置两步验证", comment=reason)
    logger.warning(
        "two-factor sign-in reset",
        extra={"user_id": user.pk, "actor_id": getattr(actor, "pk", None), "devices": removed + static},
    )
    return removed + static
