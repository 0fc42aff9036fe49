"""Training records (issue 17, point 1): a base's classes (培训班, Art. 13, 14) and their participants, whose
resident ID numbers are kept only encrypted, fingerprinted and masked (PIPL; point 4), and the log of every
reveal of a full number.

The reveal log lives here, not in core: each row points at the participant whose number was shown, and the
kernel knows no domain model (a generic relation would give up the foreign key and its join).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import Region
from bases.models import Base, ServiceForm


class Mode(models.TextChoices):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "线上"
    BLENDED = "blended", "线上线下结合"


class Result(models.TextChoices):
    PASSED = "passed", "合格"
    FAILED = "failed", "不合格"
    NOT_ASSESSED = "not_assessed", "未考核"


class TrainingClass(models.Model):
    """A class a base runs, in one of the service forms of Art. 13."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="training_classes", verbose_name="基地")
    title = models.CharField("培训班名称", max_length=200)
    service_form = models.CharField("服务形式", max_length=30, choices=ServiceForm.choices)
    field = models.CharField("专业领域", max_length=100, blank=True)
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    mode = models.CharField("培训方式", max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    venue = models.CharField("培训地点", max_length=200, blank=True)
    is_public_benefit = models.BooleanField("公益性培训", default=False)
    planned_trainees = models.PositiveIntegerField("计划培训人数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = verbose_name_plural = "培训班"
        indexes = [models.Index(fields=["base", "starts_on"], name="class_base_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="class_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="class_hours_positive"),
        ]

    def __str__(self):
        return self.title


class Participant(models.Model):
    """A trainee of a class. The ID number is never stored in plain: sealed (encrypted), fingerprinted (to find
    the same person again) and masked (to show)."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="participants", verbose_name="培训班"
    )
    name = models.CharField("姓名", max_length=50)
    id_number_sealed = models.TextField("身份证号码（加密）")
    id_fingerprint = models.CharField("身份证号码指纹", max_length=64, db_index=True)
    id_masked = models.CharField("身份证号码", max_length=18)
    employer = models.CharField("工作单位", max_length=200, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在设区市"
    )
    from_priority_area = models.BooleanField("来自革命老区、民族地区、欠发达地区", default=False)
    hours_attended = models.DecimalField("参训学时", max_digits=6, decimal_places=1, default=Decimal("0"))
    result = models.CharField("考核结果", max_length=15, choices=Result.choices, default=Result.NOT_ASSESSED)
    record_id = models.CharField("对方系统记录号", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # The history keeps the masked number and the fingerprint, never the sealed value: a rotated key would
    # otherwise leave old ciphertexts behind in rows nobody re-encrypts.
    history = HistoricalRecords(excluded_fields=["id_number_sealed"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = verbose_name_plural = "学员"
        constraints = [
            models.UniqueConstraint(fields=["training_class", "id_fingerprint"], name="participant_once_per_class"),
        ]

    def __str__(self):
        return self.name


class PiiDisclosure(models.Model):
    """Who revealed which participant's full ID number, when, and why (PIPL access log)."""

    # A participant removed from a class later keeps its log rows: the name and masked number stay here.
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="disclosures", verbose_name="学员"
    )
    participant_name = models.CharField("学员姓名", max_length=50)
    id_masked = models.CharField("身份证号码（掩码）", max_length=18)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="查看人"
    )
    reason = models.CharField("查看理由", max_length=500)
    created_at = models.DateTimeField("查看时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "身份证号码查看记录"

    def __str__(self):
        return f"{self.user} · {self.participant_name}"
