from django.contrib import admin

from casebridge.audit.modeladmin import ReadOnlyModelAdmin
from casebridge.pathways.models import Pathway


@admin.register(Pathway)
class PathwayAdmin(ReadOnlyModelAdmin):
    """Definitions come from pathways/definitions/*.yaml via sync-definitions, which owns them."""

    list_display = ["name", "code", "version", "is_active"]
