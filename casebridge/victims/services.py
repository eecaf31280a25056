"""Victim Coordinator referrals: the generic referral plus where it came from.

Support given is the pathway's activities and onward referrals are casework service referrals;
both are recorded on the case with the pathway and casework services, not here.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.panels.models import AgendaItem, Meeting
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.pathways.services import referral_create
from casebridge.people.models import Person
from casebridge.people.selectors import identity_ids
from casebridge.victims.models import VictimReferral

VICTIM_COORDINATOR_CODE = "victim-coordinator"
HEARD = (Meeting.Status.HELD, Meeting.Status.CLOSED)


def _discussed_at(meeting: Meeting, person: Person) -> bool:
    people = identity_ids(person=person)
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .filter(
            Q(case__subject_id__in=people)
            | Exists(CasePerson.objects.filter(case_id=OuterRef("case_id"), person_id__in=people))
        )
        .exists()
    )


def refers_from(meeting: Meeting) -> bool:
    """Whether the meeting's panel is one the Victim Coordinator's definition takes referrals
    from (``referring_panels``)."""
    pathway = Pathway.objects.filter(code=VICTIM_COORDINATOR_CODE).first()
    return pathway is not None and meeting.pathway.code in pathway.definition.get(
        "referring_panels", []
    )


def _check_meeting(actor: User, meeting: Meeting, subject: Person) -> None:
    # No field named: the meeting is where the referral came from, not an answer on the form.
    authorize(user=actor, action=Action.VIEW, obj=meeting)
    if not refers_from(meeting):
        raise ApplicationError(
            f"{meeting.pathway.name} meetings do not refer to the Victim Coordinator."
        )
    if meeting.status not in HEARD:
        raise ApplicationError("Only a meeting that has been held can refer someone it discussed.")
    # A panel refers someone it discussed: the subject of a case on its agenda or a person in one.
    if not _discussed_at(meeting, subject):
        raise ApplicationError(f"This person was not discussed at {meeting.title}.")


@transaction.atomic
def victim_referral_create(
    *,
    actor: User,
    subject: Person,
    owner_agency: Agency,
    referral_reason: str,
    consent: str,
    lawful_basis: str,
    victim_kind: str,
    from_meeting: Meeting | None = None,
    referred_at: datetime | None = None,
) -> Case:
    """Refer a direct or indirect victim of violence to the Victim Coordinator at
    ``owner_agency`` (a council service).

    ``from_meeting`` is the panel meeting (a SIRM, the Serious Adult Violence or exploitation
    panel) that referred them: one the actor may see, that has been held, and at which the
    subject was discussed. Without it the referral is the actor's agency's.
    """
    if victim_kind not in VictimReferral.VictimKind.values:
        raise ApplicationError(
            "Select whether they are a direct or indirect victim", field="victim_kind"
        )
    authorize(user=actor, action=Action.VIEW, obj=subject)
    if from_meeting is not None:
        _check_meeting(actor, from_meeting, subject)
    case = referral_create(
        actor=actor,
        pathway=Pathway.objects.get(code=VICTIM_COORDINATOR_CODE),
        subject=subject,
        referral_reason=referral_reason,
        consent=consent,
        lawful_basis=lawful_basis,
        owner_agency=owner_agency,
        referred_at=referred_at,
    )
    VictimReferral.objects.create(case=case, victim_kind=victim_kind, from_meeting=from_meeting)
    audit_record(
        actor=actor,
        action="change",
        object_type="case",
        object_id=case.pk,
        summary=f"Victim Coordinator referral details for {case.reference}",
        changes={
            "victim_kind": victim_kind,
            "from_meeting": str(from_meeting.pk) if from_meeting else None,
        },
    )
    return case
