"""What an export holds: the rows of a meeting's agenda and actions, with addresses removed."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from casebridge.access.redaction import redactor_for
from casebridge.accounts.models import User
from casebridge.core.postcodes import POSTCODE
from casebridge.panels.models import AgendaItem, Meeting
from casebridge.pathways.models import CasePerson
from casebridge.people.models import Address

REDACTED = "[address removed]"

AGENDA_HEADER = (
    "Item",
    "Reference",
    "Subject",
    "Date of birth",
    "Referring agency",
    "Reason for referral",
)
ACTION_HEADER = ("Reference", "Action", "Owner agency", "Named person", "Due", "Status")


def banner(meeting: Meeting) -> str:
    return f"OFFICIAL-SENSITIVE: {meeting.pathway.reference_prefix} - do not forward"


def _heading(meeting: Meeting) -> str:
    when = timezone.localtime(meeting.scheduled_for)
    return f"{meeting.title}, {when:%d/%m/%Y %H:%M}"


def filename(meeting: Meeting, extension: str) -> str:
    """Pathway and date only: nothing about a person in a name that e-mail clients show."""
    day = timezone.localtime(meeting.scheduled_for)
    return f"{meeting.pathway.code}-meeting-{day:%Y-%m-%d}-agenda.{extension}"


@dataclass(frozen=True)
class Rows:
    heading: str
    agenda: list[tuple[str, ...]]
    actions: list[tuple[str, ...]]


def address_remover(items: Iterable[AgendaItem]) -> Callable[[str], str]:
    """A function that removes the addresses of everyone in these cases from free text.

    Exports must never carry an address, and a reason typed by a referrer may hold one.
    """
    case_ids = [item.case_id for item in items]
    people = {item.case.subject_id for item in items}
    people |= set(
        CasePerson.objects.filter(case_id__in=case_ids).values_list("person_id", flat=True)
    )
    parts: set[str] = set()
    for line_1, line_2, postcode in Address.objects.filter(person_id__in=people).values_list(
        "line_1", "line_2", "postcode"
    ):
        parts |= {p.strip() for p in (line_1, line_2, postcode) if p and len(p.strip()) >= 4}
    known = (
        re.compile("|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True)), re.I)
        if parts
        else None
    )

    def remove(text: str) -> str:
        if known is not None:
            text = known.sub(REDACTED, text)
        return POSTCODE.sub(REDACTED, text)

    return remove


def export_rows(*, meeting: Meeting, items: list[AgendaItem], viewer: User) -> Rows:
    """The heading, agenda and action rows for items the viewer may see (``agenda_items``).

    A PDF is not text the response's redactor can read, so every cell is passed through the
    viewer's redactor here, besides the panel's own rule for addresses in free text.
    """
    remove = address_remover(items)
    withhold = redactor_for(viewer).redact
    agenda: list[tuple[str, ...]] = []
    actions: list[tuple[str, ...]] = []
    for item in items:
        case = item.case
        name = case.subject.primary_name
        dob = case.subject.date_of_birth
        agenda.append(
            (
                str(item.position),
                case.reference,
                name.full_name if name else "",
                dob.strftime("%d/%m/%Y") if dob else "",
                case.referring_agency.name,
                remove(case.referral_reason),
            )
        )
        for action in item.actions.all():
            actions.append(
                (
                    case.reference,
                    remove(action.description),
                    action.owner_agency.name,
                    action.owner_user.display_name if action.owner_user else "",
                    action.due_date.strftime("%d/%m/%Y"),
                    action.get_status_display(),
                )
            )
    return Rows(
        heading=withhold(_heading(meeting)),
        agenda=[tuple(map(withhold, row)) for row in agenda],
        actions=[tuple(map(withhold, row)) for row in actions],
    )
