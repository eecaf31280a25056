"""A case's timeline rows and its other people, written in Python: a case gathers dozens of
events, and the template's loop (three cells, a date formatted by Django's filter, for each)
was a third of the case page's template time."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString

from casebridge.pathways.models import CaseEvent, CasePerson
from casebridge.ui.dates import date_text
from casebridge.ui.templatetags.govuk import kept_url

register = template.Library()

# Each kind's label, as ``get_kind_display`` gives it (which builds the choices' dictionary again
# for every event).
_KIND_LABELS = dict(CaseEvent.Kind.choices)
_ROLE_LABELS = dict(CasePerson.Role.choices)


@register.simple_tag
def case_timeline_rows(timeline: Iterable[CaseEvent]) -> SafeString:
    """The timeline's table rows: when, what (the kind of event and its text) and who. Each
    value escaped by ``html.escape``, as Django's ``escape`` does, without its checks for lazy
    text on every value."""
    return SafeString(  # nosec B703  # every value in it escaped above
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


@register.simple_tag
def case_people_list(people: list[CasePerson]) -> SafeString:
    """The case's other people as a list, each with their role and a link to them by their
    primary name ("(no name)" without one); "None recorded" when there are none. Escaped as
    ``case_timeline_rows`` escapes."""
    if not people:
        return SafeString("None recorded")
    items = []
    for link in people:
        name = link.person.primary_name
        link_to = kept_url("people:detail", person_id=link.person_id)
        items.append(
            f"<li>{escape(str(_ROLE_LABELS.get(link.role, link.role)))}: "
            f'<a class="govuk-link" href="{escape(link_to)}">'
            f"{escape((name.full_name if name else '') or '(no name)')}</a></li>"
        )
    return SafeString(f'<ul class="govuk-list">{"".join(items)}</ul>')  # nosec B703  # every value in it escaped above
