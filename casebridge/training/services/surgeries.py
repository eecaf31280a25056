"""GP surgeries: registering them, their engagement in the programme and their referrals."""

import re
from datetime import date

from django.db import transaction

from casebridge.access.policy import Action, Resource
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.training.models import (
    Engagement,
    GPSurgery,
    ProgrammeReferral,
    SurgeryStatusChange,
)
from casebridge.training.services.common import require_past, require_recorder

PRACTICE_CODE = re.compile(r"^[A-Z][0-9A-Z]{5}$")
NOTE_LIMIT = 2_000
REFERRALS_PER_ENTRY = 100
# The statuses a surgery may move to from each one. Training only moves forward (a surgery may
# skip a step); a surgery that is in the programme may withdraw, and a withdrawn one re-engage.
TRANSITIONS: dict[str, frozenset[str]] = {
    Engagement.NOT_ENGAGED: frozenset(
        {Engagement.ENGAGED, Engagement.PARTIALLY_TRAINED, Engagement.FULLY_TRAINED}
    ),
    Engagement.ENGAGED: frozenset(
        {Engagement.PARTIALLY_TRAINED, Engagement.FULLY_TRAINED, Engagement.WITHDRAWN}
    ),
    Engagement.PARTIALLY_TRAINED: frozenset({Engagement.FULLY_TRAINED, Engagement.WITHDRAWN}),
    Engagement.FULLY_TRAINED: frozenset({Engagement.WITHDRAWN}),
    Engagement.WITHDRAWN: frozenset({Engagement.ENGAGED}),
}
# A surgery in one of these statuses is in the programme and refers patients to its advocates.
IN_PROGRAMME = frozenset(
    {Engagement.ENGAGED, Engagement.PARTIALLY_TRAINED, Engagement.FULLY_TRAINED}
)


def _label(status: str) -> str:
    return Engagement(status).label.lower()


def latest_change(surgery: GPSurgery, *, on: date | None = None) -> SurgeryStatusChange | None:
    """The change in force on ``on`` (or the latest of all), the last recorded on a tie."""
    changes = surgery.status_changes.all()
    if on is not None:
        changes = changes.filter(effective_on__lte=on)
    return changes.order_by("-effective_on", "-id").first()


@transaction.atomic
def surgery_register(
    *,
    actor: User,
    name: str,
    practice_code: str,
    known_from: date,
    agency: Agency | None = None,
) -> GPSurgery:
    """Add a GP surgery to the programme's list, not engaged from ``known_from``.

    Args:
        actor: an analyst or coordinator.
        name: the practice's name.
        practice_code: its NHS (ODS) code, such as E83001; unique.
        known_from: the day the programme starts counting it (its first status, not engaged).
        agency: the health agency it belongs to, if it is recorded as one.

    Returns:
        The surgery, with its first status recorded.
    """
    require_recorder(actor)
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Enter the surgery's name.", field="name")
    code = practice_code.strip().upper()
    if not PRACTICE_CODE.match(code):
        raise ApplicationError(
            "Enter the practice code: a letter then 5 letters or digits, like E83001.",
            field="practice_code",
        )
    if GPSurgery.objects.filter(practice_code=code).exists():
        raise ApplicationError(
            f"A surgery with practice code {code} is already listed.", field="practice_code"
        )
    if agency is not None and agency.kind != Agency.Kind.HEALTH:
        raise ApplicationError(f"{agency.name} is not a health agency.", field="agency")
    require_past(known_from, field="known_from", what="The date it was listed")
    surgery = GPSurgery.objects.create(
        name=name, practice_code=code, agency=agency, created_by=actor
    )
    SurgeryStatusChange.objects.create(
        surgery=surgery,
        status=Engagement.NOT_ENGAGED,
        effective_on=known_from,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.TRAINING,
        object_id=surgery.pk,
        summary=f"Listed GP surgery {surgery}",
        changes={
            "name": [None, name],
            "practice_code": [None, code],
            "agency": [None, agency.code if agency else None],
            "status": [None, Engagement.NOT_ENGAGED],
            "effective_on": [None, known_from],
        },
    )
    return surgery


@transaction.atomic
def surgery_status_change(
    *,
    actor: User,
    surgery: GPSurgery,
    status: str,
    effective_on: date,
    note: str = "",
) -> SurgeryStatusChange:
    """Record that from ``effective_on`` the surgery's status in the programme is ``status``.

    The history only moves forward in time: a change dated before the one in force is refused
    (the status on each day is worked out from the history, so it must stay in order).
    """
    require_recorder(actor, Action.CHANGE)
    # The row lock serialises changes to one surgery, so two can't both follow the same one.
    surgery = GPSurgery.objects.select_for_update().get(pk=surgery.pk)
    if status not in Engagement.values:
        raise ApplicationError("Select the surgery's new status.", field="status")
    require_past(effective_on, field="effective_on", what="The date of the change")
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise ApplicationError(
            f"Keep the note to {NOTE_LIMIT:,} characters or fewer.", field="note"
        )
    previous = latest_change(surgery)
    if previous is None:  # only a surgery written outside the services has no history
        raise ApplicationError("This surgery has no engagement history.")
    if effective_on < previous.effective_on:
        raise ApplicationError(
            f"The date of the change must be on or after {previous.effective_on:%-d %B %Y}, "
            f"when the surgery became {_label(previous.status)}.",
            field="effective_on",
        )
    if status == previous.status:
        raise ApplicationError(f"The surgery is already {_label(status)}.", field="status")
    if status not in TRANSITIONS[previous.status]:
        raise ApplicationError(
            f"A surgery that is {_label(previous.status)} cannot become {_label(status)}.",
            field="status",
        )
    if status not in IN_PROGRAMME:
        later = surgery.referrals.filter(referred_on__gte=effective_on).order_by("referred_on")
        first = later.first()
        if first is not None:
            raise ApplicationError(
                f"The surgery referred patients on {first.referred_on:%-d %B %Y}, so it was "
                f"still in the programme then: the date must be after its last referral.",
                field="effective_on",
            )
    change = SurgeryStatusChange.objects.create(
        surgery=surgery, status=status, effective_on=effective_on, note=note, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.TRAINING,
        object_id=surgery.pk,
        summary=f"{surgery} {_label(status)} from {effective_on:%-d %B %Y}",
        changes={"status": [previous.status, status], "effective_on": [None, effective_on]},
    )
    return change


@transaction.atomic
def referral_record(
    *, actor: User, surgery: GPSurgery, referred_on: date, count: int = 1
) -> ProgrammeReferral:
    """Record ``count`` patients referred by the surgery to the programme's advocates on a day.

    Only a surgery in the programme (engaged or trained) on that day refers into it.
    """
    require_recorder(actor)
    if count < 1:
        raise ApplicationError("The number of referrals must be 1 or more.", field="count")
    if count > REFERRALS_PER_ENTRY:
        raise ApplicationError(
            f"The number of referrals must be {REFERRALS_PER_ENTRY} or fewer.", field="count"
        )
    require_past(referred_on, field="referred_on", what="The date of the referrals")
    in_force = latest_change(surgery, on=referred_on)
    if in_force is None or in_force.status not in IN_PROGRAMME:
        state = _label(in_force.status) if in_force else "not yet listed"
        raise ApplicationError(
            f"On {referred_on:%-d %B %Y} the surgery was {state}: only a surgery in the "
            "programme refers into it.",
            field="referred_on",
        )
    referral = ProgrammeReferral.objects.create(
        surgery=surgery, referred_on=referred_on, count=count, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.TRAINING,
        object_id=surgery.pk,
        summary=f"{count} programme referrals from {surgery} on {referred_on:%-d %B %Y}",
        changes={"referrals": [None, count], "referred_on": [None, referred_on]},
    )
    return referral
