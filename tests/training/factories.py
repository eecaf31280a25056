"""Factories for the GP programme and training tests."""

from datetime import date

import factory

from casebridge.training.models import (
    Course,
    Engagement,
    GPSurgery,
    SessionAttendance,
    SurgeryStatusChange,
    TrainingSession,
)
from tests.factories import UserFactory, role


def recorder():
    return UserFactory(role=role("analyst"))


class GPSurgeryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GPSurgery
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Station Road Surgery {n}")
    practice_code = factory.Sequence(lambda n: f"E8{n:04d}")
    created_by = factory.LazyFunction(recorder)

    @factory.post_generation
    def listed_on(obj, create, extracted, **kwargs):
        """Every surgery starts with a history: not engaged from ``listed_on``."""
        if create:
            SurgeryStatusChange.objects.create(
                surgery=obj,
                status=Engagement.NOT_ENGAGED,
                effective_on=extracted or date(2021, 4, 1),
                recorded_by=obj.created_by,
            )


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Domestic Abuse Awareness Level {n}")
    level = Course.Level.AWARENESS
    created_by = factory.LazyFunction(recorder)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    delivered_on = date(2022, 6, 15)
    trainer = "SafeLives"
    recorded_by = factory.SelfAttribute("course.created_by")


class SessionAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionAttendance

    session = factory.SubFactory(TrainingSessionFactory)
    attendees = 5


def training_world(world) -> dict:
    """A GP surgery and a training session agency A attended, for the authorisation matrix."""
    surgery = GPSurgeryFactory()
    session = TrainingSessionFactory()
    SessionAttendanceFactory(session=session, agency=world.agency_a)
    return {"surgery_id": surgery.pk, "session_id": session.pk}
