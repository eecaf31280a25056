"""Casework lines on the case timeline. They are notes: only contacts are casework activities,
so a tier or a referral never counts as the contact a tier requires."""

from datetime import date, datetime, time

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.pathways.models import Case, CaseEvent


def _moment(day: date) -> datetime:
    # Recorded on the day it happened: now; recorded later: the start of that day, so the
    # timeline keeps the order things happened in.
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time.min))


def casework_noted(*, case: Case, actor: User, day: date, text: str) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, occurred_at=_moment(day), kind=CaseEvent.Kind.NOTE, actor=actor, text=text
    )
