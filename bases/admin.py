from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Base


@admin.register(Base)
class BaseAdmin(SimpleHistoryAdmin):
    list_display = ("register_number", "name", "region", "status", "recognised_on")
    list_filter = ("status", "region", "year")
    search_fields = ("name", "register_number")
    readonly_fields = (
        "register_number",
        "year",
        "sequence",
        "status",
        "application",
        # the unit that recommended the base: its application's routing, stored at recognition
        "recommender_region",
        "recommender_department",
        "institution",
        "batch",
        "verification_code",
    )

    def has_delete_permission(self, request, obj=None):
        return False
