"""The administrator's views of operations: the e-mail outbox (failed mails, resending) and the scheduled jobs' runs."""

from django.contrib import admin, messages

from . import jobs, outbox
from .models import JobRun, Notification


class MailState(admin.SimpleListFilter):
    title = "邮件状态"
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("failed", "发送失败（已放弃）"), ("waiting", "待发送或重试中"), ("sent", "已发送")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(emailed_at=None, email_failed_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(emailed_at=None, email_failed_at=None)
        if self.value() == "sent":
            return queryset.filter(emailed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created_at", "email_attempts", "email_next_attempt_at", "email_failed_at")
    list_filter = (MailState,)
    list_select_related = ("recipient",)
    search_fields = ("title", "recipient__username", "recipient__email")
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="重新发送所选的失败邮件")
    def resend(self, request, queryset):
        count = outbox.resend(queryset.values_list("pk", flat=True))
        self.message_user(request, f"已重新放入发送队列：{count} 封。", messages.SUCCESS)


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """运行情况: each scheduled job's last success, and the jobs that missed their run (issue 19, point 7)."""

    change_list_template = "admin/core/jobrun_change_list.html"
    list_display = ("job", "for_day", "started_at", "finished_at", "succeeded", "result")
    list_filter = ("job", "succeeded")
    readonly_fields = [field.name for field in JobRun._meta.fields]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        statuses = jobs.statuses()
        extra_context = {
            **(extra_context or {}),
            "statuses": statuses,
            "missed": [status for status in statuses if status.missed],
            "grace_hours": int(jobs.GRACE.total_seconds() // 3600),
        }
        return super().changelist_view(request, extra_context)
