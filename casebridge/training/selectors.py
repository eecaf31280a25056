"""Reading GP surgeries, courses and sessions, and the programme's figures for a period.

Every read goes through ``access.policy.visible`` (the ``training`` resource). Figures are worked
out from the records: a surgery's status on a day is the last change on or before it.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from casebridge.access.policy import AccessDenied, Action, Resource, permitted, visible
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.training.models import (
    Course,
    Engagement,
    GPSurgery,
    ProgrammeReferral,
    SessionAttendance,
    SurgeryStatusChange,
    TrainingSession,
)


def may_view_training(*, user: User) -> bool:
    """Whether any rule lets the user see the GP programme and training (navigation, lists)."""
    return permitted(user=user, action=Action.VIEW, resource=Resource.TRAINING)


def may_record_training(*, user: User) -> bool:
    """Whether the user records surgeries, referrals, courses and sessions."""
    return permitted(user=user, action=Action.CREATE, resource=Resource.TRAINING)


def may_change_training(*, user: User) -> bool:
    """Whether the user records status changes and attendance."""
    return permitted(user=user, action=Action.CHANGE, resource=Resource.TRAINING)


def require_view(*, user: User) -> None:
    if not may_view_training(user=user):
        raise AccessDenied(Action.VIEW, Resource.TRAINING)


def _status_on(day: date) -> Subquery:
    return Subquery(
        SurgeryStatusChange.objects.filter(surgery_id=OuterRef("pk"), effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .values("status")[:1]
    )


def surgery_list(*, user: User, on: date) -> QuerySet[GPSurgery]:
    """The surgeries the user may see, each annotated with ``status_on`` (None: not yet listed)."""
    return (
        visible(user=user, action=Action.VIEW, queryset=GPSurgery.objects.all())
        .select_related("agency")
        .annotate(status_on=_status_on(on))
        .order_by("name")
    )


def surgery_get(*, user: User, surgery_id: UUID | str, action: str = Action.VIEW) -> GPSurgery:
    """One surgery, if the user may ``action`` it; ``AccessDenied`` (shown as 404) otherwise."""
    surgery = (
        visible(user=user, action=action, queryset=GPSurgery.objects.all())
        .select_related("agency")
        .filter(pk=surgery_id)
        .first()
    )
    if surgery is None:
        raise AccessDenied(action, Resource.TRAINING, surgery_id)
    return surgery


def surgery_history(*, surgery: GPSurgery) -> QuerySet[SurgeryStatusChange]:
    """The surgery's status changes, oldest first (call for a surgery from ``surgery_get``)."""
    return surgery.status_changes.select_related("recorded_by").order_by("effective_on", "id")


def surgery_referrals(*, surgery: GPSurgery) -> QuerySet[ProgrammeReferral]:
    return surgery.referrals.order_by("-referred_on", "-id")


def surgery_status_on(*, surgery: GPSurgery, day: date) -> str | None:
    """The surgery's status on ``day`` from its history (None before it was listed)."""
    change = (
        surgery.status_changes.filter(effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .first()
    )
    return change.status if change else None


@dataclass(frozen=True)
class SurgeryReferrals:
    surgery: GPSurgery
    status: str | None  # at the end of the period
    referrals: int


@dataclass(frozen=True)
class ProgrammeFigures:
    start: date
    end: date
    # Surgeries listed by the end of the period, by their status on its last day (every status,
    # in the programme's order, zeros included).
    by_status: dict[str, int]
    surgeries: list[SurgeryReferrals]  # every surgery listed by the end, most referrals first
    referrals: int

    @property
    def listed(self) -> int:
        return sum(self.by_status.values())

    def status_rows(self) -> list[tuple[str, int]]:
        return [(Engagement(status).label, count) for status, count in self.by_status.items()]


def programme_figures(*, user: User, start: date, end: date) -> ProgrammeFigures:
    """Surgeries by status at the end of the period and the referrals each made in it."""
    referred = (
        ProgrammeReferral.objects.filter(
            surgery_id=OuterRef("pk"), referred_on__gte=start, referred_on__lte=end
        )
        .order_by()
        .values("surgery_id")
        .annotate(total=Sum("count"))
        .values("total")
    )
    rows = list(
        visible(user=user, action=Action.VIEW, queryset=GPSurgery.objects.all())
        .select_related("agency")
        .annotate(
            status_on=_status_on(end),
            referral_total=Coalesce(Subquery(referred, output_field=IntegerField()), Value(0)),
        )
        .filter(status_on__isnull=False)
        .order_by("-referral_total", "name")
    )
    by_status = {status: 0 for status in Engagement.values}
    for surgery in rows:
        by_status[surgery.status_on] += 1
    surgeries = [
        SurgeryReferrals(surgery=s, status=s.status_on, referrals=s.referral_total) for s in rows
    ]
    return ProgrammeFigures(
        start=start,
        end=end,
        by_status=by_status,
        surgeries=surgeries,
        referrals=sum(s.referrals for s in surgeries),
    )


# --- training --------------------------------------------------------------------------------


def course_list(*, user: User) -> QuerySet[Course]:
    return (
        visible(user=user, action=Action.VIEW, queryset=Course.objects.all())
        .annotate(session_count=Count("sessions"))
        .order_by("title")
    )


def _visible_sessions(
    user: User, start: date | None = None, end: date | None = None
) -> QuerySet[TrainingSession]:
    sessions = visible(user=user, action=Action.VIEW, queryset=TrainingSession.objects.all())
    if start is not None:
        sessions = sessions.filter(delivered_on__gte=start)
    if end is not None:
        sessions = sessions.filter(delivered_on__lte=end)
    return sessions


def session_list(
    *, user: User, start: date | None = None, end: date | None = None
) -> QuerySet[TrainingSession]:
    """Sessions the user may see (delivered in the period, if given), most recent first, each
    with ``attendee_total``."""
    return (
        _visible_sessions(user, start, end)
        .select_related("course")
        .annotate(attendee_total=Coalesce(Sum("attendance__attendees"), Value(0)))
        .order_by("-delivered_on", "-recorded_at")
    )


def session_get(
    *, user: User, session_id: UUID | str, action: str = Action.VIEW
) -> TrainingSession:
    """One session, if the user may ``action`` it; ``AccessDenied`` (shown as 404) otherwise."""
    session = (
        visible(user=user, action=action, queryset=TrainingSession.objects.all())
        .select_related("course", "recorded_by")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise AccessDenied(action, Resource.TRAINING, session_id)
    return session


def session_attendance(*, session: TrainingSession) -> QuerySet[SessionAttendance]:
    return session.attendance.select_related("agency").order_by("agency__name")


@dataclass(frozen=True)
class TrainingFigures:
    start: date
    end: date
    sessions: list[TrainingSession]  # in the period, oldest first, with ``attendee_total``
    by_agency: list[tuple[Agency, int]]  # attendees, most first
    by_level: list[tuple[str, int, int]]  # level label, sessions, attendees (every level)

    @property
    def attendees(self) -> int:
        return sum(count for _, count in self.by_agency)


def training_figures(*, user: User, start: date, end: date) -> TrainingFigures:
    """Sessions delivered in the period and their attendees by agency and by course level."""
    sessions = list(session_list(user=user, start=start, end=end).reverse())
    attendance = SessionAttendance.objects.filter(session__in=_visible_sessions(user, start, end))
    agency_totals = dict(
        attendance.order_by().values_list("agency_id").annotate(total=Sum("attendees"))
    )
    agencies = Agency.objects.in_bulk(list(agency_totals))
    by_agency = sorted(
        ((agencies[pk], total) for pk, total in agency_totals.items()),
        key=lambda row: (-row[1], row[0].name),
    )
    level_attendees = dict(
        attendance.order_by().values_list("session__course__level").annotate(total=Sum("attendees"))
    )
    by_level = [
        (
            level.label,
            sum(1 for s in sessions if s.course.level == level),
            level_attendees.get(level.value, 0),
        )
        for level in Course.Level
    ]
    return TrainingFigures(
        start=start, end=end, sessions=sessions, by_agency=by_agency, by_level=by_level
    )
