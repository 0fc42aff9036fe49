from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Department, InspectorUnit, Institution, Region, User


@admin.register(User)
class PortalUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "role", "organisation_name", "is_active")
    list_filter = ("role", "is_active", "region", "department")
    search_fields = ("username", "full_name", "email", "institution__name")
    autocomplete_fields = ("institution",)
    actions = ["reset_two_factor"]

    @admin.action(description="重置所选用户的两步验证（下次登录时重新设置）", permissions=["change"])
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            services.reset_two_factor(actor=request.user, user=user, reason="系统管理后台重置")
        self.message_user(request, f"已重置{len(queryset)}个账户的两步验证。", messages.SUCCESS)

    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "角色与所属单位",
            {
                "fields": (
                    "role",
                    "full_name",
                    "phone",
                    "institution",
                    "region",
                    "department",
                    "inspector_unit",
                )
            },
        ),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (
            "角色与所属单位",
            {
                "fields": (
                    "role",
                    "full_name",
                    "email",
                    "institution",
                    "region",
                    "department",
                    "inspector_unit",
                )
            },
        ),
    )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "hr_unit_name", "order")


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "active")
    search_fields = ("name",)


@admin.register(InspectorUnit)
class InspectorUnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "region", "active")
    search_fields = ("name",)


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "type", "region")
    list_filter = ("type", "region")
    search_fields = ("name", "credit_code")
