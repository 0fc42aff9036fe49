"""Recognised bases (省级继续教育基地) and their register numbers (Art. 8(4), 9)."""

import secrets

from django.db import models
from simple_history.models import HistoricalRecords

from jxjy_portal.users.models import Institution, InstitutionType, Region


class BaseStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    RECTIFYING = "rectifying", "整改中"
    REVOKED = "revoked", "已撤销"
    CANCELLED = "cancelled", "已取消"


def new_verification_code() -> str:
    """A plaque's verification code: 12 characters, no look-alikes (0/O, 1/I/L)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class RegisterSequence(models.Model):
    """The last register number issued in a year; locked while the next is taken."""

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    last = models.PositiveIntegerField("已发最大序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "基地编号序列"

    def __str__(self):
        return f"{self.year}: {self.last}"


class BaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def active(self):
        return self.filter(status__in=[BaseStatus.ACTIVE, BaseStatus.RECTIFYING])


class Base(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="bases", verbose_name="建设单位"
    )
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="base", verbose_name="认定申报"
    )
    batch = models.ForeignKey("applications.Batch", on_delete=models.PROTECT, related_name="bases", verbose_name="批次")
    register_number = models.CharField("基地编号", max_length=40, unique=True)
    year = models.PositiveSmallIntegerField("认定年度")
    sequence = models.PositiveIntegerField("年度序号")
    recognised_on = models.DateField("认定日期")
    name = models.CharField("基地名称", max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="所在设区市")
    institution_type = models.CharField("机构类型", max_length=20, choices=InstitutionType.choices)
    fields = models.CharField("培训领域", max_length=300)
    address = models.CharField("地址", max_length=200)
    contact_person = models.CharField("联系人", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")
    website = models.URLField("网站", blank=True)
    status = models.CharField("状态", max_length=20, choices=BaseStatus.choices, default=BaseStatus.ACTIVE)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    verification_code = models.CharField("匾牌验证码", max_length=16, unique=True, default=new_verification_code)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = BaseQuerySet.as_manager()

    class Meta:
        ordering = ["year", "sequence"]
        verbose_name = verbose_name_plural = "省级继续教育基地"
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="base_number_unique_per_year")]
        indexes = [models.Index(fields=["status", "region"], name="base_status_region_idx")]

    def __str__(self):
        return f"{self.name}（{self.register_number}）"

    @staticmethod
    def format_number(year: int, sequence: int) -> str:
        return f"闽继教基地〔{year}〕{sequence:03d}号"
