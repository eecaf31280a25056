"""Training delivered: courses, sessions and attendance counts by agency."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.training.models import Course, SessionAttendance, TrainingSession
from casebridge.training.services import attendance_record, course_create, session_record
from tests.training.factories import CourseFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

JUNE = date(2022, 6, 15)


def _refused(field, call, **kwargs):
    with pytest.raises(ApplicationError) as refused:
        call(**kwargs)
    assert refused.value.field == field
    return refused.value.message


def test_a_course_has_a_unique_title_and_a_level(team):
    course = course_create(
        actor=team.analyst, title="  Domestic Abuse  Awareness Level 1", level="awareness"
    )
    assert course.title == "Domestic Abuse Awareness Level 1"
    assert AuditEvent.objects.filter(action="create", object_id=f"course:{course.pk}").exists()
    _refused(
        "title",
        course_create,
        actor=team.analyst,
        title="domestic abuse awareness level 1",
        level="awareness",
    )
    _refused("title", course_create, actor=team.analyst, title=" ", level="awareness")
    _refused("level", course_create, actor=team.analyst, title="MARAC", level="expert")


def test_a_session_is_recorded_with_attendance_by_agency_and_audited(team):
    course = CourseFactory(level=Course.Level.SPECIALIST)
    session = session_record(
        actor=team.coordinator,
        course=course,
        delivered_on=JUNE,
        trainer=" SafeLives ",
        attendance={team.police: 4, team.council: 0},
    )
    assert session.trainer == "SafeLives"
    counts = {row.agency: row.attendees for row in session.attendance.all()}
    assert counts == {team.police: 4, team.council: 0}
    entry = AuditEvent.objects.get(action="create", object_id=str(session.pk))
    assert entry.changes["attendance"] == [None, {team.police.code: 4, team.council.code: 0}]


def test_a_session_needs_a_course(team):
    _refused(
        "course", session_record, actor=team.analyst, course=None, delivered_on=JUNE, trainer="X"
    )
    assert not TrainingSession.objects.exists()


def test_a_session_needs_a_trainer_and_a_date_not_in_the_future(team):
    course = CourseFactory()
    _refused(
        "trainer",
        session_record,
        actor=team.analyst,
        course=course,
        delivered_on=JUNE,
        trainer="  ",
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    _refused(
        "delivered_on",
        session_record,
        actor=team.analyst,
        course=course,
        delivered_on=tomorrow,
        trainer="SafeLives",
    )


def test_attendance_counts_are_never_negative(team):
    course = CourseFactory()
    _refused(
        "attendees",
        session_record,
        actor=team.analyst,
        course=course,
        delivered_on=JUNE,
        trainer="SafeLives",
        attendance={team.police: -1},
    )
    assert not TrainingSession.objects.exists()
    session = TrainingSessionFactory()
    _refused(
        "attendees",
        attendance_record,
        actor=team.analyst,
        session=session,
        agency=team.police,
        attendees=-3,
    )
    _refused(
        "attendees",
        attendance_record,
        actor=team.analyst,
        session=session,
        agency=team.police,
        attendees=501,
    )
    assert not SessionAttendance.objects.exists()


def test_recording_an_agencys_attendance_again_replaces_it(team):
    session = TrainingSessionFactory()
    attendance_record(actor=team.analyst, session=session, agency=team.police, attendees=3)
    attendance_record(actor=team.coordinator, session=session, agency=team.police, attendees=5)
    assert list(session.attendance.values_list("agency", "attendees")) == [(team.police.pk, 5)]
    changes = [
        e.changes[f"attendance.{team.police.code}"]
        for e in AuditEvent.objects.filter(action="change", object_id=str(session.pk)).order_by(
            "sequence"
        )
    ]
    assert changes == [[None, 3], [3, 5]]


@pytest.mark.parametrize("who", ["manager", "practitioner", "auditor"])
def test_only_analysts_and_coordinators_record_training(team, who):
    actor = getattr(team, who)
    session = TrainingSessionFactory()
    with pytest.raises(AccessDenied):
        course_create(actor=actor, title="New course", level="awareness")
    with pytest.raises(AccessDenied):
        session_record(actor=actor, course=session.course, delivered_on=JUNE, trainer="X")
    with pytest.raises(AccessDenied):
        attendance_record(actor=actor, session=session, agency=team.police, attendees=1)
