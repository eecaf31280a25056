"""A case's timeline rows, written in Python: a case gathers dozens of events, and the
template's loop (three cells, a date formatted by Django's filter, for each) was a third of
the case page's template time."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from casebridge.pathways.models import CaseEvent
from casebridge.ui.dates import date_text

register = template.Library()


@register.simple_tag
def case_timeline_rows(timeline: Iterable[CaseEvent]) -> SafeString:
    """The timeline's table rows: when, what (the kind of event and its text) and who."""
    return format_html_join(
        "\n",
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}: {}</td>'
        '<td class="govuk-table__cell">{}</td></tr>',
        (
            (
                date_text(event.occurred_at, "j M Y H:i"),
                event.get_kind_display(),
                event.text,
                event.actor.display_name if event.actor else "",
            )
            for event in timeline
        ),
    )
