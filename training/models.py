"""Training records (issue 17, point 1): a base's classes (培训班, Art. 13, 14) and their participants, whose
resident ID numbers are kept only encrypted, fingerprinted and masked (PIPL; point 4), and the log of every
reveal of a full number.

The reveal log lives here, not in core: each row points at the participant whose number was shown, and the
kernel knows no domain model (a generic relation would give up the foreign key and its join).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Region
from bases.models import Base, ServiceForm
from core.uploads import private_storage


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
    # The base's own code for the class (班级编号): how an imported sheet or the API names it again.
    record_id = models.CharField("班级编号", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = verbose_name_plural = "培训班"
        indexes = [
            models.Index(fields=["base", "starts_on"], name="class_base_starts_idx"),
            # the province's list of every class, newest first: a page reads 20 index entries, not a sort of all
            models.Index(fields=["-starts_on", "-id"], name="class_newest_first_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="class_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="class_hours_positive"),
            models.UniqueConstraint(
                fields=["base", "record_id"], condition=~models.Q(record_id=""), name="class_record_id_once_per_base"
            ),
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
    assessed_on = models.DateField("考核日期", null=True, blank=True)
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
            models.UniqueConstraint(
                fields=["training_class", "record_id"],
                condition=~models.Q(record_id=""),
                name="participant_record_id_once_per_class",
            ),
        ]

    def __str__(self):
        return self.name


class ImportPhase(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    REFUSED = "refused", "未导入"
    FAILED = "failed", "出错"


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部无误才导入"
    VALID_ROWS = "valid_rows", "导入无误的行，其余退回修改"


def import_path(instance, filename: str) -> str:
    """A random name under the month, keeping only the kind of sheet (xlsx or csv) from the user's name."""
    ext = "csv" if filename.lower().endswith(".csv") else "xlsx"
    return f"training/imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class TrainingImport(models.Model):
    """One upload of the training sheet (classes and their trainees) by a base: what was asked, how far it got,
    what it changed, and the problems found row by row (issue 17, point 2)."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="training_imports", verbose_name="基地")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="导入人"
    )
    file_name = models.CharField("文件名", max_length=200)
    file = models.FileField("上传文件", upload_to=import_path, storage=private_storage, max_length=200, blank=True)
    mode = models.CharField("导入方式", max_length=20, choices=ImportMode.choices)
    # how far the reading has got (a job's phase, not a state of the regulation's workflows)
    phase = models.CharField("进度", max_length=10, choices=ImportPhase.choices, default=ImportPhase.QUEUED)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    classes_created = models.PositiveIntegerField("新增培训班", default=0)
    classes_updated = models.PositiveIntegerField("更新培训班", default=0)
    participants_created = models.PositiveIntegerField("新增学员", default=0)
    participants_updated = models.PositiveIntegerField("更新学员", default=0)
    unchanged_rows = models.PositiveIntegerField("无变化行数", default=0)
    rejected_rows = models.PositiveIntegerField("退回行数", default=0)
    # [{"row": 3, "column": "身份证号码", "reason": "…"}, …], at most a few thousand
    problems = models.JSONField("问题清单", default=list, blank=True)
    rejected_file = models.FileField(
        "退回修改的行", upload_to=import_path, storage=private_storage, max_length=200, blank=True
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "培训记录导入"

    def __str__(self):
        return f"{self.base} · {self.file_name}"

    @property
    def percent(self) -> int:
        if self.phase in (ImportPhase.DONE, ImportPhase.REFUSED):
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0

    @property
    def finished(self) -> bool:
        return self.phase in (ImportPhase.DONE, ImportPhase.REFUSED, ImportPhase.FAILED)

    @property
    def summary(self) -> str:
        """What the import did, in one sentence for its uploader."""
        if self.phase == ImportPhase.DONE:
            text = (
                f"新增培训班{self.classes_created}个、更新{self.classes_updated}个；"
                f"新增学员{self.participants_created}名、更新{self.participants_updated}名；{self.unchanged_rows}行无变化"
            )
            return text + (f"；{self.rejected_rows}行有问题，已退回修改。" if self.rejected_rows else "。")
        if self.phase == ImportPhase.REFUSED:
            return f"文件中有{len(self.problems)}处问题，未导入任何记录，请按问题清单修改后重新导入。"
        if self.phase == ImportPhase.FAILED:
            return "导入时发生系统错误，未导入任何记录。请稍后重新上传；如再次出错，请联系省人社厅。"
        return f"已读取{self.processed_rows}行，共约{self.total_rows}行。"


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


class IdNumberExport(models.Model):
    """Who took full ID numbers out of the portal in a file, when, why, and how many (PIPL access log; the
    reveals on a page are in PiiDisclosure, one row per participant)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="导出人"
    )
    what = models.CharField("导出内容", max_length=200)
    reason = models.CharField("导出理由", max_length=500)
    id_count = models.PositiveIntegerField("含完整身份证号码数")
    created_at = models.DateTimeField("导出时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "身份证号码导出记录"

    def __str__(self):
        return f"{self.user} · {self.what}"
