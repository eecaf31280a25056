"""The case page's meetings, written in Python, are what their template wrote, byte for byte."""

import uuid
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.panels.models import Action, AgendaItem, Meeting
from casebridge.panels.selectors import CaseMeeting

# panels/case_meetings.html as it was, before the section was written by ``case_meetings``.
TEMPLATE = Template(
    "{% load govuk %}\n{% if panel_items %}\n"
    '<h2 class="govuk-heading-m">Meetings</h2>\n'
    "{% for entry in panel_items %}{% with item=entry.item actions=entry.actions %}\n"
    '  <h3 class="govuk-heading-s"><a class="govuk-link" href="{% url '
    "'panels:meeting_detail' meeting_id=item.meeting_id %}#item-{{ item.pk }}\">"
    '{{ item.meeting.title }}</a>, {{ item.meeting.scheduled_for|day:"j M Y" }} '
    '{% include "panels/components/meeting_status.html" with meeting=item.meeting %}</h3>\n'
    "    {% if actions %}\n"
    '      <ul class="govuk-list govuk-list--bullet">\n'
    "        {% for action in actions %}\n"
    "          <li>{{ action.description }} \N{EN DASH} {{ action.owner_agency.name }}{% if "
    "action.owner_user %} ({{ action.owner_user.display_name }}){% endif %}, due "
    '{{ action.due_date|day:"j M Y" }}: {{ action.get_status_display|lower }}</li>\n'
    "        {% endfor %}\n"
    "      </ul>\n"
    "    {% else %}\n"
    '      <p class="govuk-body">No actions agreed.</p>\n'
    "    {% endif %}\n"
    "{% endwith %}{% endfor %}\n"
    "{% endif %}\n"
)
TAG = Template("{% load case_meetings %}\n{% case_meetings panel_items %}\n")


def _meeting(status: str, title: str, actions: list[Action]) -> CaseMeeting:
    meeting = Meeting(
        id=uuid.uuid4(),
        title=title,
        status=status,
        scheduled_for=datetime(2024, 3, 31, 23, 30, tzinfo=UTC),  # 1 April in London
    )
    item = AgendaItem(pk=7, meeting=meeting)
    return CaseMeeting(item, actions)


def _action(description: str, status: str, owner: User | None) -> Action:
    agency = Agency(name="Police & <Probation>")
    return Action(
        description=description,
        owner_agency=agency,
        owner_user=owner,
        due_date=date(2024, 10, 27),
        status=status,
    )


@pytest.mark.parametrize(
    "panel_items",
    [
        [],
        [_meeting("planned", "MARAC <north>", [])],
        [
            _meeting(
                "held",
                "MARAC & co",
                [
                    _action(
                        "Safety plan <b>now</b>", "open", User(first_name="Aisha", last_name="Khan")
                    ),
                    _action("Refer & 'check'", "completed", User(username='p.o"neill')),
                    _action("Nothing", "cancelled", None),
                ],
            ),
            _meeting("cancelled", "Cancelled one", []),
            _meeting("postponed", "An unknown status", [_action("x", "unknown", None)]),
        ],
    ],
)
def test_the_meetings_are_written_as_their_template_wrote_them(panel_items):
    context = {"panel_items": panel_items}
    assert TAG.render(Context(context)) == TEMPLATE.render(Context(context))
