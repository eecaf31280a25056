"""The case page's meetings, written in Python: each meeting's heading (its link, date and status
tag) and actions went through ``{% with %}``, an include and a loop with a filter a value, about
a tenth of the case page's template time for a case heard at two meetings."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString

from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import Meeting
from casebridge.panels.selectors import CaseMeeting
from casebridge.ui.dates import date_text
from casebridge.ui.templatetags.govuk import kept_url

register = template.Library()

# As ``panels/components/meeting_status.html`` colours them; each label as
# ``get_status_display`` gives it (which builds the choices' dictionary again each time).
_TAG_COLOURS = {"planned": "blue", "held": "green", "cancelled": "red"}
_MEETING_LABELS = dict(Meeting.Status.choices)
_ACTION_LABELS = dict(PanelAction.Status.choices)


def _status_tag(meeting: Meeting) -> str:
    colour = _TAG_COLOURS.get(meeting.status, "grey")
    label = _MEETING_LABELS.get(meeting.status, meeting.status)
    return f'<strong class="govuk-tag govuk-tag--{colour}">{escape(str(label))}</strong>\n'


def _action(action: PanelAction) -> str:
    owner = f" ({escape(action.owner_user.display_name)})" if action.owner_user else ""
    status = str(_ACTION_LABELS.get(action.status, action.status)).lower()
    return (
        f"\n          <li>{escape(str(action.description))} \N{EN DASH} "
        f"{escape(str(action.owner_agency.name))}{owner}, "
        f"due {escape(date_text(action.due_date, 'j M Y'))}: {escape(status)}</li>\n        "
    )


def _meeting(entry: CaseMeeting) -> str:
    item, meeting = entry.item, entry.item.meeting
    link = kept_url("panels:meeting_detail", meeting_id=item.meeting_id)
    heading = (
        f'\n  <h3 class="govuk-heading-s"><a class="govuk-link" href="{escape(link)}#item-'
        f'{item.pk}">{escape(str(meeting.title))}</a>, '
        f"{escape(date_text(meeting.scheduled_for, 'j M Y'))} {_status_tag(meeting)}</h3>\n    "
    )
    if entry.actions:
        actions = "".join(_action(action) for action in entry.actions)
        listed = (
            '\n      <ul class="govuk-list govuk-list--bullet">\n        '
            f"{actions}\n      </ul>\n    "
        )
    else:
        listed = '\n      <p class="govuk-body">No actions agreed.</p>\n    '
    return f"{heading}{listed}\n"


@register.simple_tag
def case_meetings(panel_items: Iterable[CaseMeeting]) -> SafeString:
    """The meetings' section, as ``panels/case_meetings.html`` wrote it: a heading, then each
    meeting's heading and its actions (or that none were agreed). Each value escaped by
    ``html.escape``, as Django's ``escape`` does."""
    meetings = "".join(_meeting(entry) for entry in panel_items)
    return SafeString(  # nosec B703  # every value in it escaped above
        f'\n<h2 class="govuk-heading-m">Meetings</h2>\n{meetings}\n' if meetings else ""
    )
