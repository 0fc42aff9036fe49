from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, InspectorUnit, Institution, Region, User


@admin.register(User)
class PortalUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "role", "organisation_name", "is_active")
    list_filter = ("role", "is_active", "region", "department")
    search_fields = ("username", "full_name", "email", "institution__name")
    autocomplete_fields = ("institution",)
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
