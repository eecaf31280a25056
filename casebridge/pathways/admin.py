from django.contrib import admin

from casebridge.pathways.models import Pathway


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    """Definitions come from pathways/definitions/*.yaml via sync-definitions."""

    list_display = ["name", "code", "version", "is_active"]
    readonly_fields = ["definition"]
