from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Application, Bar, Batch


@admin.register(Batch)
class BatchAdmin(SimpleHistoryAdmin):
    list_display = ("name", "year", "opens_on", "closes_on", "closed_at")


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    """Read-mostly: states change only through the workflow's services."""

    list_display = (
        "institution",
        "batch",
        "state",
        "recommender_region",
        "recommender_department",
        "submitted_at",
    )
    list_filter = ("state", "batch", "recommender_region")
    search_fields = ("institution__name", "institution__credit_code")
    readonly_fields = (
        "state",
        "institution",
        "batch",
        "submitted_at",
        "last_submitted_at",
        "decided_at",
        "fraud_finding",
        "decision_reason",
        "created_by",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and getattr(obj, "base", None) is not None:
            # A recognised application's routing is the unit that recommended its base, which the base keeps
            # (Base.recommender_region/_department) and whose list of bases shows it: history, not to be edited.
            fields = (*fields, "recommender_kind", "recommender_region", "recommender_department")
        return fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Bar)
class BarAdmin(SimpleHistoryAdmin):
    list_display = ("institution", "kind", "starts_on", "last_day")
    list_filter = ("kind",)
    readonly_fields = ("application", "base")

    def has_delete_permission(self, request, obj=None):
        return False
