from django.contrib import admin

from casebridge.assessments.models import Instrument
from casebridge.audit.modeladmin import ReadOnlyModelAdmin


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyModelAdmin):
    """Definitions come from assessments/instruments/*.yaml (and CASEBRIDGE_INSTRUMENT_DIRS) via
    sync-definitions, which owns them. Assessments are records about people, so the admin never
    shows them."""

    list_display = ["name", "code", "version", "is_current"]
