from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casebridge.agencies.models import Agency, Role, Team
from casebridge.audit.modeladmin import AuditedModelAdmin, ReadOnlyModelAdmin


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    """An agency's kind decides which rules hold for everyone in it, and its code is how the audit
    names it (an auditor's agency scope reads it), so both are set once, when it is added."""

    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code", "kind"] if obj is not None else []


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    """A team stays in its agency: moving it would move its members' work between agencies."""

    list_display = ["name", "agency"]
    list_filter = ["agency"]
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["agency"] if obj is not None else []


@admin.register(Role)
class RoleAdmin(ReadOnlyModelAdmin):
    """Roles, and which are privileged, come from permissions.yaml via sync-definitions."""

    list_display = ["name", "code", "privileged"]
    list_filter = ["privileged"]
    search_fields = ["name", "code"]
