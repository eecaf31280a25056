"""A case's timeline rows, written in Python: a case gathers dozens of events, and the
template's loop (three cells, a date formatted by Django's filter, for each) was a third of
the case page's template time."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString

from casebridge.pathways.models import CaseEvent
from casebridge.ui.dates import date_text

register = template.Library()

# Each kind's label, as ``get_kind_display`` gives it (which builds the choices' dictionary again
# for every event).
_KIND_LABELS = dict(CaseEvent.Kind.choices)


@register.simple_tag
def case_timeline_rows(timeline: Iterable[CaseEvent]) -> SafeString:
    """The timeline's table rows: when, what (the kind of event and its text) and who. Each
    value escaped by ``html.escape``, as Django's ``escape`` does, without its checks for lazy
    text on every value."""
    return SafeString(
        "\n".join(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell">'
            f"{escape(date_text(event.occurred_at, 'j M Y H:i'))}</td>"
            f'<td class="govuk-table__cell">'
            f"{escape(str(_KIND_LABELS.get(event.kind, event.kind)))}: "
            f"{escape(str(event.text))}</td>"
            f'<td class="govuk-table__cell">'
            f"{escape(event.actor.display_name if event.actor else '')}</td></tr>"
            for event in timeline
        )
    )
