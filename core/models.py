"""Cross-cutting records every domain uses: the notification inbox, the timeline of events, and the formal
decisions of the province with their 文号."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .uploads import human_size, private_storage


class Notification(models.Model):
    """One message in a user's inbox; the same message is e-mailed (outbox: emailed_at marks it sent)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="收件人",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField("邮件尝试次数", default=0)
    # After a failure the row waits (exponential backoff with jitter); past EMAIL_GIVE_UP_HOURS it is given up,
    # logged as an error and listed in the admin, where it can be resent.
    email_next_attempt_at = models.DateTimeField("下次发送时间", default=timezone.now)
    email_failed_at = models.DateTimeField("邮件放弃时间", null=True, blank=True)
    email_error = models.CharField("最近一次发送错误", max_length=300, blank=True)
    # Jobs that must notify once per key (e.g. a reminder per base, year and day) set it; unique per recipient.
    dedupe_key = models.CharField("去重键", max_length=120, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "站内通知"
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # the inbox, newest first, paged by keyset (issue 20): a user's page is read from here, not sorted
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["email_next_attempt_at", "id"],
                name="notification_due_idx",
                condition=models.Q(emailed_at=None, email_failed_at=None),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_key"),
        ]

    def __str__(self):
        return self.title


class TimelineEvent(models.Model):
    """Something that happened to a record: a transition with who, when, comment and article."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name="操作人"
    )
    action = models.CharField("动作", max_length=40)
    label = models.CharField("事项", max_length=100)
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30, blank=True)
    comment = models.TextField("意见", blank=True)
    article = models.CharField("依据条款", max_length=100, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "办理记录"
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="timeline_subject_idx")]

    def __str__(self):
        return self.label


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", "认定决定"
    RECOGNITION_LIST = "recognition_list", "公布认定名单"
    REFUSAL = "refusal", "不予认定决定"
    RECTIFICATION = "rectification", "责令限期整改通知"
    VERIFICATION = "verification", "整改核验意见"
    SUSPENSION = "suspension", "暂停决定"
    REVOCATION = "revocation", "撤销资格决定"
    CANCELLATION = "cancellation", "取消资格决定"
    FRAUD = "fraud", "弄虚作假认定决定"
    ADJUSTMENT = "adjustment", "基地调整决定"
    ALLOCATION = "allocation", "培训任务分配决定"
    # not a decision but the notice before one (告知 — 陈述申辩), numbered in the same series
    HEARING_NOTICE = "hearing_notice", "行政决定事先告知书"


class DecisionSequence(models.Model):
    """The last 文号 given in a series and year; locked while the next is taken, so numbers never repeat."""

    series = models.CharField("文号前缀", max_length=30)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("最后序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "文号序列"
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="decision_sequence_once")]

    def __str__(self):
        return f"{self.series}〔{self.year}〕{self.last}号"


class Decision(models.Model):
    """A formal decision of the province (SPEC 2.10): its 文号, legal basis, facts, effective date, the
    version of the measures it was taken under, and the PDF that was issued, kept as issued."""

    kind = models.CharField("类别", max_length=30, choices=DecisionKind.choices)
    series = models.CharField("文号前缀", max_length=30)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=200)
    addressee = models.CharField("主送", max_length=200)
    facts = models.TextField("认定事实")
    basis = models.CharField("依据", max_length=200)
    body = models.TextField("决定内容")
    adverse = models.BooleanField("不利决定", default=False, help_text="告知行政复议、行政诉讼的权利")
    decided_on = models.DateField("成文日期")
    effective_on = models.DateField("生效日期")
    measures_version = models.CharField("依据办法版本", max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)
    pdf = models.FileField("决定文书", upload_to="decisions/%Y/", storage=private_storage)
    pdf_sha256 = models.CharField("文书摘要", max_length=64)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = verbose_name_plural = "决定文书"
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "sequence"], name="decision_number_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="decision_subject_idx")]

    def __str__(self):
        return f"{self.number} {self.title}"


class JobRun(models.Model):
    """One run of a scheduled job (core/jobs.py): when, for which day, and whether it succeeded. The admin's
    operations page reads the last success of each job from here and flags the jobs that missed their run."""

    class Trigger(models.TextChoices):
        BEAT = "beat", "定时触发"
        HAND = "hand", "手动运行"

    job = models.CharField("作业", max_length=80)
    for_day = models.DateField("业务日期")
    trigger = models.CharField("触发方式", max_length=10, choices=Trigger.choices, default=Trigger.HAND)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    succeeded = models.BooleanField("成功", null=True)
    result = models.CharField("结果", max_length=200, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = verbose_name_plural = "定时作业运行记录"
        indexes = [models.Index(fields=["job", "-started_at"], name="job_run_latest_idx")]
        constraints = [
            # Two beat processes (a second node, a failover) may both fire a job: its day's scheduled run is
            # claimed once, and the other task stands down. A run by hand (`run_job`) is never refused.
            models.UniqueConstraint(
                fields=["job", "for_day"], condition=models.Q(trigger="beat"), name="job_run_once_a_day_by_beat"
            ),
        ]

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A list export too large to build inside a web request (issue 20): a Celery task runs the list's view again
    for its owner with the same query string, writes the file to the private storage, and the owner downloads it
    through an authorising view until it expires."""

    class Phase(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="导出人"
    )
    title = models.CharField("列表", max_length=200)
    filename = models.CharField("文件名", max_length=200)
    format = models.CharField("格式", max_length=8)
    path = models.CharField("页面路径", max_length=300)
    query = models.TextField("查询条件", blank=True)
    # a job's phase, not a workflow state: only the export task moves it (core/exports.py), like TrainingImport's
    phase = models.CharField("状态", max_length=10, choices=Phase.choices, default=Phase.QUEUED)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已写入行数", default=0)
    # one name per job (exports/<key>.<format>): a task delivered twice overwrites its own file, never adds one
    key = models.UUIDField("文件键", default=uuid.uuid4, editable=False, unique=True)
    file = models.FileField("文件", upload_to="exports/", storage=private_storage, blank=True, max_length=200)
    size = models.PositiveBigIntegerField("文件大小", default=0)
    error = models.CharField("失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "后台导出"
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_job_owner_idx"),
            models.Index(fields=["expires_at"], name="export_job_expiry_idx", condition=~models.Q(file="")),
        ]

    def __str__(self):
        return f"{self.title}（{self.format}）"

    @property
    def percent(self) -> int:
        if self.phase == self.Phase.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def finished(self) -> bool:
        return self.phase in {self.Phase.DONE, self.Phase.FAILED}

    def expired(self, now=None) -> bool:
        """A finished file past its time (or already deleted by the sweep) can no longer be downloaded."""
        return self.phase == self.Phase.DONE and (
            not self.file or (self.expires_at is not None and self.expires_at <= (now or timezone.now()))
        )

    @property
    def failed(self) -> bool:
        return self.phase == self.Phase.FAILED

    @property
    def downloadable(self) -> bool:
        return self.phase == self.Phase.DONE and not self.expired()

    @property
    def human_size(self) -> str:
        return human_size(self.size) if self.size else "—"

    @property
    def download_name(self) -> str:
        return f"{self.filename}.{self.format}"

    @property
    def again_url(self) -> str:
        """The list's own export link, to export the same rows again."""
        return f"{self.path}?{self.query}" if self.query else self.path
