"""Cross-cutting records every domain uses: the notification inbox and the timeline of events."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


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
    # Jobs that must notify once per key (e.g. a reminder per base, year and day) set it; unique per recipient.
    dedupe_key = models.CharField("去重键", max_length=120, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "站内通知"
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["emailed_at"], name="notification_outbox_idx", condition=models.Q(emailed_at=None)),
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
