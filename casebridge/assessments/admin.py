from django.contrib import admin

from casebridge.assessments.models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Definitions come from assessments/instruments/*.yaml (and CASEBRIDGE_INSTRUMENT_DIRS) via
    sync-definitions. Assessments are records about people, so the admin never shows them."""

    list_display = ["name", "code", "version", "is_current"]
    readonly_fields = ["definition"]
