from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from casebridge.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "team", "role", "is_active"]
    list_filter = ["is_active", "role", "agency"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Casebridge access", {"fields": ("agency", "team", "role")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Casebridge access", {"fields": ("agency", "team", "role")}),
    )
