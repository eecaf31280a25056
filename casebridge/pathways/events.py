"""The case timeline, written explicitly by the services (no signals)."""

from datetime import date, datetime, time

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.pathways.models import Case, CaseEvent


def case_referred(*, case: Case, actor: User) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        occurred_at=case.referred_at,
        kind=CaseEvent.Kind.REFERRED,
        actor=actor,
        to_state=case.state,
        text=f"Referred by {case.referring_agency.name}",
    )


def case_transitioned(
    *,
    case: Case,
    actor: User,
    from_state: str,
    label: str,
    reason: str,
    occurred_at: datetime,
    outcome: dict[str, str] | None = None,
) -> CaseEvent:
    if outcome is not None:
        label = f"{label}: {outcome['label']}"
    return CaseEvent.objects.create(
        case=case,
        occurred_at=occurred_at,
        kind=CaseEvent.Kind.TRANSITION,
        actor=actor,
        from_state=from_state,
        to_state=case.state,
        outcome=outcome["code"] if outcome else "",
        text=f"{label}. {reason}".strip() if reason else label,
    )


def case_person_added(
    *, case: Case, actor: User, role_label: str, occurred_at: datetime | None = None
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        occurred_at=occurred_at or timezone.now(),
        kind=CaseEvent.Kind.PERSON_ADDED,
        actor=actor,
        text=f"{role_label} added",
    )


def case_activity(
    *, case: Case, actor: User, activity: str, text: str, occurred_at: datetime
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        occurred_at=occurred_at,
        kind=CaseEvent.Kind.ACTIVITY,
        actor=actor,
        activity=activity,
        text=text,
    )


def _moment(day: date) -> datetime:
    # Recorded on the day it happened: now; recorded later: the start of that day, so the
    # timeline keeps the order things happened in.
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time.min))


def case_noted(*, case: Case, actor: User, day: date, text: str) -> CaseEvent:
    """A dated line of casework that moves nothing along (a tier set, a need recorded, a
    contact with the criminal justice system). A note, not an activity: only activities count
    as the contacts a tier requires."""
    return CaseEvent.objects.create(
        case=case, occurred_at=_moment(day), kind=CaseEvent.Kind.NOTE, actor=actor, text=text
    )
