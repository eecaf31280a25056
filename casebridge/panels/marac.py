"""MARAC referrals: the generic referral plus the criteria, duplicate check and the national
dataset's details. The pathway's states and criteria themselves are data (da-marac.yaml)."""

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.dates import age_on
from casebridge.core.errors import ApplicationError
from casebridge.panels.criteria import Referral, criteria_met
from casebridge.panels.selectors import pending_agenda_items
from casebridge.pathways.models import (
    MARAC_CODE,
    Case,
    CasePerson,
    MaracReferral,
    Pathway,
    ReferralCriterion,
)
from casebridge.pathways.services import referral_create
from casebridge.people.models import Person
from casebridge.people.selectors import identity_ids

# Referred but not yet heard: a second referral now would put the victim on an agenda twice.
AWAITING_MEETING = ("referred", "accepted")


def _pending_case(pathway: Pathway, victim_ids: list) -> Case | None:
    return (
        Case.objects.filter(pathway=pathway, subject_id__in=victim_ids, state__in=AWAITING_MEETING)
        .order_by("referred_at")
        .first()
    )


@transaction.atomic
def marac_referral_create(
    *,
    actor: User,
    victim: Person,
    perpetrators: Sequence[Person],
    children: Sequence[Person] = (),
    relationship: str,
    victim_aware: bool,
    referral_reason: str,
    consent: str,
    lawful_basis: str,
    judgement_reason: str = "",
    referred_at: datetime | None = None,
    needs: Collection[str] = (),
) -> Case:
    """Refer a victim to MARAC. The criteria are worked out from the records; a referral that
    meets none needs a professional-judgement reason, and one for a victim already awaiting a
    meeting is refused as a duplicate. ``needs`` are the victim's needs the referrer knows of
    (``MaracReferral.Need`` codes: mental health, alcohol misuse, drugs misuse)."""
    pathway = Pathway.objects.get(code=MARAC_CODE)
    authorize(user=actor, action=Action.VIEW, obj=victim)
    if unknown := set(needs) - set(MaracReferral.Need.values):
        raise ApplicationError(f"Unknown need: {', '.join(sorted(unknown))}", field="needs")
    if relationship not in MaracReferral.Relationship.values:
        raise ApplicationError("Select the relationship", field="relationship")
    referred_at = referred_at or timezone.now()
    victim_ids = identity_ids(person=victim)
    pending = _pending_case(pathway, victim_ids)
    if pending is not None:
        raise ApplicationError(
            f"This person was already referred to MARAC on {pending.referred_at:%d %B %Y} "
            f"({pending.reference}) and is awaiting a meeting. Add to that referral instead."
        )
    on_agenda = pending_agenda_items(person_ids=victim_ids, pathway=pathway).first()
    if on_agenda is not None:
        raise ApplicationError(
            f"This person is on the agenda of the MARAC on "
            f"{on_agenda.meeting.scheduled_for:%d %B %Y} ({on_agenda.case.reference}). "
            "Share the new information there instead."
        )
    perpetrator_ids = [pk for p in perpetrators for pk in identity_ids(person=p)]
    met = criteria_met(
        Referral(pathway, victim_ids, perpetrator_ids, referred_at, judgement_reason)
    )
    if not met:
        raise ApplicationError(
            "The records show no MARAC criterion met: no high-risk assessment, fewer than three "
            "police-reported incidents in 12 months and no referral in the last 12 months. "
            "If you refer on professional judgement, say why.",
            field="judgement_reason",
        )
    case = referral_create(
        actor=actor,
        pathway=pathway,
        subject=victim,
        referral_reason=referral_reason,
        consent=consent,
        lawful_basis=lawful_basis,
        other_people=[(p, CasePerson.Role.PERPETRATOR) for p in perpetrators]
        + [(c, CasePerson.Role.CHILD) for c in children],
        referred_at=referred_at,
    )
    ReferralCriterion.objects.bulk_create(
        ReferralCriterion(case=case, code=m.code, label=m.label, evidence=m.evidence) for m in met
    )
    repeat_of = next((m.repeat_of for m in met if m.repeat_of is not None), None)
    MaracReferral.objects.create(
        case=case,
        relationship=relationship,
        victim_aware=victim_aware,
        children_in_household=len(children),
        repeat_of=repeat_of,
        victim_sex=victim.sex,
        victim_gender_identity=victim.gender_identity,
        victim_ethnicity=victim.ethnicity,
        victim_disability=victim.disability,
        victim_sexual_orientation=victim.sexual_orientation,
        victim_age=age_on(victim.date_of_birth, referred_at.date()),
        **{field: code in needs for code, field in MaracReferral.NEED_FIELDS.items()},
    )
    audit_record(
        actor=actor,
        action="change",
        object_type="case",
        object_id=case.pk,
        summary=f"MARAC criteria for {case.reference}: {', '.join(m.code for m in met)}",
        changes={
            "criteria": [m.code for m in met],
            "repeat_of": str(repeat_of.pk) if repeat_of else None,
        },
    )
    return case
