"""Training delivered: courses, sessions and how many of each agency's staff attended."""

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from casebridge.access.policy import Action, Resource
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.training.models import Course, SessionAttendance, TrainingSession
from casebridge.training.services.common import require_past, require_recorder

# More than this from one agency at one session is almost certainly a typing slip.
ATTENDEES_LIMIT = 500


@transaction.atomic
def course_create(*, actor: User, title: str, level: str) -> Course:
    """Add a course to the list sessions are recorded against."""
    require_recorder(actor)
    title = " ".join(title.split())
    if not title:
        raise ApplicationError("Enter the course's title.", field="title")
    if level not in Course.Level.values:
        raise ApplicationError("Select the course's level.", field="level")
    if Course.objects.filter(title__iexact=title).exists():
        raise ApplicationError(f"There is already a course called {title}.", field="title")
    course = Course.objects.create(title=title, level=level, created_by=actor)
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.TRAINING,
        object_id=f"course:{course.pk}",
        summary=f"Added course {title}",
        changes={"title": [None, title], "level": [None, level]},
    )
    return course


def _check_attendees(attendees: int, agency: Agency) -> None:
    if attendees < 0:
        raise ApplicationError(
            f"The number attending from {agency.name} cannot be negative.", field="attendees"
        )
    if attendees > ATTENDEES_LIMIT:
        raise ApplicationError(
            f"The number attending from {agency.name} must be {ATTENDEES_LIMIT} or fewer.",
            field="attendees",
        )


@transaction.atomic
def session_record(
    *,
    actor: User,
    course: Course | None,
    delivered_on: date,
    trainer: str,
    attendance: Mapping[Agency, int] | None = None,
) -> TrainingSession:
    """Record a session of a course that has been delivered.

    Args:
        actor: an analyst or coordinator.
        course: the course delivered; a session always belongs to one.
        delivered_on: the day it was delivered; not in the future.
        trainer: who delivered it (a name or an organisation).
        attendance: how many attended from each agency, if known now (add more later).

    Returns:
        The session.
    """
    require_recorder(actor)
    if course is None:
        raise ApplicationError("Select the course that was delivered.", field="course")
    trainer = " ".join(trainer.split())
    if not trainer:
        raise ApplicationError("Enter who delivered the session.", field="trainer")
    require_past(delivered_on, field="delivered_on", what="The date of the session")
    counts = dict(attendance or {})
    for agency, attendees in counts.items():
        _check_attendees(attendees, agency)
    session = TrainingSession.objects.create(
        course=course, delivered_on=delivered_on, trainer=trainer, recorded_by=actor
    )
    SessionAttendance.objects.bulk_create(
        SessionAttendance(session=session, agency=agency, attendees=attendees)
        for agency, attendees in counts.items()
    )
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.TRAINING,
        object_id=session.pk,
        summary=f"Recorded {course.title} on {delivered_on:%-d %B %Y}",
        changes={
            "course": [None, course.title],
            "delivered_on": [None, delivered_on],
            "trainer": [None, trainer],
            "attendance": [None, {a.code: n for a, n in counts.items()}],
        },
    )
    return session


@transaction.atomic
def attendance_record(
    *, actor: User, session: TrainingSession, agency: Agency, attendees: int
) -> SessionAttendance:
    """Set how many of ``agency``'s staff attended ``session`` (replacing an earlier count)."""
    require_recorder(actor, Action.CHANGE)
    _check_attendees(attendees, agency)
    existing = (
        SessionAttendance.objects.select_for_update().filter(session=session, agency=agency).first()
    )
    before = existing.attendees if existing else None
    if existing is None:
        row = SessionAttendance.objects.create(session=session, agency=agency, attendees=attendees)
    else:
        existing.attendees = attendees
        existing.save(update_fields=["attendees"])
        row = existing
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.TRAINING,
        object_id=session.pk,
        summary=f"{attendees} from {agency.name} at {session}",
        changes={f"attendance.{agency.code}": [before, attendees]},
    )
    return row
