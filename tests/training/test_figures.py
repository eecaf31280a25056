"""The period figures: worked out from the records, visible only to those allowed."""

from datetime import date

import pytest

from casebridge.training.models import Course, Engagement
from casebridge.training.selectors import (
    course_list,
    programme_figures,
    session_list,
    surgery_list,
    training_figures,
)
from casebridge.training.services import referral_record, surgery_status_change
from tests.training.factories import (
    CourseFactory,
    GPSurgeryFactory,
    SessionAttendanceFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

Q1_START, Q1_END = date(2022, 4, 1), date(2022, 6, 30)


def _history(team, surgery, *changes):
    for status, day in changes:
        surgery_status_change(actor=team.analyst, surgery=surgery, status=status, effective_on=day)


def test_programme_figures_count_surgeries_by_status_on_the_last_day_of_the_period(team):
    trained = GPSurgeryFactory(name="Trained")
    _history(
        team,
        trained,
        (Engagement.ENGAGED, date(2021, 5, 1)),
        (Engagement.FULLY_TRAINED, date(2022, 6, 30)),
    )
    partly = GPSurgeryFactory(name="Partly")
    _history(
        team,
        partly,
        (Engagement.PARTIALLY_TRAINED, date(2022, 1, 1)),
        # After the period: not counted in it.
        (Engagement.FULLY_TRAINED, date(2022, 7, 1)),
    )
    left = GPSurgeryFactory(name="Left")
    _history(
        team, left, (Engagement.ENGAGED, date(2021, 5, 1)), (Engagement.WITHDRAWN, date(2022, 5, 1))
    )
    GPSurgeryFactory(name="Never")
    GPSurgeryFactory(name="Listed later", listed_on=date(2022, 7, 1))
    for surgery, day, count in [
        (trained, date(2022, 3, 31), 9),  # before the period
        (trained, date(2022, 4, 1), 2),
        (trained, date(2022, 6, 30), 3),
        (partly, date(2022, 5, 5), 1),
        (left, date(2022, 4, 20), 4),
        (partly, date(2022, 7, 2), 7),  # after the period
    ]:
        referral_record(actor=team.analyst, surgery=surgery, referred_on=day, count=count)

    figures = programme_figures(user=team.manager, start=Q1_START, end=Q1_END)

    assert figures.by_status == {
        "not_engaged": 1,
        "engaged": 0,
        "partially_trained": 1,
        "fully_trained": 1,
        "withdrawn": 1,
    }
    assert figures.listed == 4
    assert [(row.surgery.name, row.status, row.referrals) for row in figures.surgeries] == [
        ("Trained", "fully_trained", 5),
        ("Left", "withdrawn", 4),
        ("Partly", "partially_trained", 1),
        ("Never", "not_engaged", 0),
    ]
    assert figures.referrals == 10


def test_training_figures_give_sessions_attendees_by_agency_and_by_level(team):
    awareness = CourseFactory(title="Awareness Level 1", level=Course.Level.AWARENESS)
    specialist = CourseFactory(title="Level 3 Certificate", level=Course.Level.SPECIALIST)
    first = TrainingSessionFactory(course=awareness, delivered_on=date(2022, 4, 5))
    second = TrainingSessionFactory(course=specialist, delivered_on=date(2022, 6, 30))
    outside = TrainingSessionFactory(course=awareness, delivered_on=date(2022, 7, 1))
    SessionAttendanceFactory(session=first, agency=team.police, attendees=6)
    SessionAttendanceFactory(session=first, agency=team.council, attendees=2)
    SessionAttendanceFactory(session=second, agency=team.council, attendees=5)
    SessionAttendanceFactory(session=outside, agency=team.police, attendees=40)

    figures = training_figures(user=team.coordinator, start=Q1_START, end=Q1_END)

    assert figures.sessions == [first, second]
    assert [s.attendee_total for s in figures.sessions] == [8, 5]
    assert figures.by_agency == [(team.council, 7), (team.police, 6)]
    assert figures.by_level == [
        ("Awareness", 1, 8),
        ("Practitioner", 0, 0),
        ("Specialist", 1, 5),
    ]
    assert figures.attendees == 13


def test_roles_without_a_training_rule_see_nothing(team):
    surgery = GPSurgeryFactory()
    SessionAttendanceFactory(agency=team.police)
    for user in (team.practitioner, team.auditor):
        assert list(surgery_list(user=user, on=date(2023, 1, 1))) == []
        assert list(session_list(user=user)) == []
        assert list(course_list(user=user)) == []
        assert programme_figures(user=user, start=Q1_START, end=Q1_END).listed == 0
        assert training_figures(user=user, start=Q1_START, end=Q1_END).attendees == 0
    assert list(surgery_list(user=team.manager, on=date(2023, 1, 1))) == [surgery]
