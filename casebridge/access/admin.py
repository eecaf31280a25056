from django.contrib import admin

from casebridge.access.models import PermissionRule
from casebridge.audit.modeladmin import ReadOnlyModelAdmin


@admin.register(PermissionRule)
class PermissionRuleAdmin(ReadOnlyModelAdmin):
    """Rules come from permissions.yaml; change them there and run sync-definitions. Shown, never
    edited here: a rule changes what everyone with the role sees."""

    list_display = ["role", "agency_kind", "resource", "action", "pathway", "scope"]
    list_filter = ["role", "resource", "action"]
