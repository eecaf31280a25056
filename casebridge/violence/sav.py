"""Serious Adult Violence panel referrals: the generic referral plus what the panel asks of it.
The pathway's states and services are data (sav.yaml)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.dates import age_on
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import referral_create
from casebridge.people.models import Person
from casebridge.violence.models import SavReferral

SAV_CODE = "sav"
ADULT_AGE = 18


@transaction.atomic
def sav_referral_create(
    *,
    actor: User,
    subject: Person,
    referral_reason: str,
    consent: str,
    lawful_basis: str,
    gang_affiliated: bool,
    youth_transition: bool,
    referred_at: datetime | None = None,
) -> Case:
    """Refer an adult to the Serious Adult Violence panel.

    The panel manages adults, so a subject under 18 on the referral day is refused (a young
    person moving to adult services is referred once they are 18, with ``youth_transition``).
    A subject whose date of birth is not recorded is accepted with the age left blank: the
    panel checks it, and refusing would block a referral over a gap in someone else's record.
    """
    authorize(user=actor, action=Action.VIEW, obj=subject)
    referred_at = referred_at or timezone.now()
    age = age_on(subject.date_of_birth, timezone.localtime(referred_at).date())
    if age is not None and age < ADULT_AGE:
        raise ApplicationError(
            f"The Serious Adult Violence panel is for adults; this person is {age}. "
            "Refer a child to the exploitation panel or the youth justice service.",
        )
    case = referral_create(
        actor=actor,
        pathway=Pathway.objects.get(code=SAV_CODE),
        subject=subject,
        referral_reason=referral_reason,
        consent=consent,
        lawful_basis=lawful_basis,
        referred_at=referred_at,
    )
    SavReferral.objects.create(
        case=case,
        age_at_referral=age,
        gang_affiliated=gang_affiliated,
        youth_transition=youth_transition,
    )
    audit_record(
        actor=actor,
        action="change",
        object_type="case",
        object_id=case.pk,
        summary=f"Serious Adult Violence referral details for {case.reference}",
        changes={
            "age_at_referral": age,
            "gang_affiliated": gang_affiliated,
            "youth_transition": youth_transition,
        },
    )
    return case
