from django.contrib import admin

from casebridge.access.models import PermissionRule


@admin.register(PermissionRule)
class PermissionRuleAdmin(admin.ModelAdmin):
    """Rules come from permissions.yaml; change them there and run sync-definitions."""

    list_display = ["role", "agency_kind", "resource", "action", "pathway", "scope"]
    list_filter = ["role", "resource", "action"]
