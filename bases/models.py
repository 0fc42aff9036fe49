"""Recognised bases (省级继续教育基地) and their register numbers (Art. 8(4), 9)."""

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jxjy_portal import uploads
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


class FeeDisclosure(models.Model):
    """What a base tells the public about its training and fees (Art. 29)."""

    base = models.OneToOneField(Base, on_delete=models.PROTECT, related_name="fee_disclosure")
    scope = models.TextField("继续教育范围")
    content = models.TextField("继续教育内容")
    fee_items = models.TextField("收费项目及标准", help_text="每行一项，如：公需科目培训 每人每学时 20元")
    updated_at = models.DateTimeField("最近更新", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "收费公开"

    def __str__(self):
        return f"{self.base.name}收费公开"

    @property
    def fee_lines(self) -> list[str]:
        return [line.strip() for line in self.fee_items.splitlines() if line.strip()]


class ChangeFilingState(models.TextChoices):
    SUBMITTED = "submitted", "待备案"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "已备案"
    WITHDRAWN = "withdrawn", "已撤回"


# The facts a base may change by filing (Art. 31: 机构名称、联系方式等重要信息).
CHANGEABLE_FIELDS = {
    "name": "基地名称",
    "contact_person": "联系人",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "地址",
    "website": "网站",
}


class ChangeFiling(models.Model):
    """A base's filing of changed key facts (变更备案, Art. 31)."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="change_filings", verbose_name="基地")
    state = models.CharField(
        "状态", max_length=20, choices=ChangeFilingState.choices, default=ChangeFilingState.SUBMITTED, db_index=True
    )
    changes = models.JSONField("变更内容", help_text="{字段: 新值}")
    old_values = models.JSONField("变更前", default=dict)
    reason = models.TextField("变更原因")
    evidence = models.FileField(
        "证明材料", storage=uploads.private_storage, upload_to=uploads.upload_path, max_length=200
    )
    evidence_name = models.CharField("证明材料文件名", max_length=150)
    evidence_type = models.CharField("证明材料类型", max_length=100)
    kind = models.CharField("文件类型", max_length=10)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "变更备案"

    def __str__(self):
        return f"{self.base.name}变更备案"

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        return [(CHANGEABLE_FIELDS.get(k, k), self.old_values.get(k, ""), v) for k, v in self.changes.items()]


class AnnouncementKind(models.TextChoices):
    NOTICE = "notice", "认定前公示"
    RECOGNITION = "recognition", "认定名单"
    INSPECTION = "inspection", "考核结果"
    COMMENDATION = "commendation", "表扬推广"
    REVOCATION = "revocation", "撤销资格"
    CHANGE = "change", "变更公告"
    OTHER = "other", "其他公告"


class Announcement(models.Model):
    """A public announcement (公告) of the province (Art. 9, 21, 22, 23, 31)."""

    kind = models.CharField("类别", max_length=20, choices=AnnouncementKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    published_at = models.DateTimeField("发布时间", db_index=True)
    batch = models.ForeignKey(
        "applications.Batch", on_delete=models.PROTECT, null=True, blank=True, related_name="announcements"
    )
    base = models.ForeignKey(Base, on_delete=models.PROTECT, null=True, blank=True, related_name="announcements")
    bases = models.ManyToManyField(Base, blank=True, related_name="listed_in", verbose_name="涉及基地")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "公告"

    def __str__(self):
        return self.title
