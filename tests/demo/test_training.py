"""The demo's GP programme and training, replayed through the services with the clock set."""

from datetime import date

import pytest
import time_machine
from django.db import transaction

from casebridge.audit.models import AuditEvent
from casebridge.audit.verification import verify_chain
from casebridge.demo.history import Replay
from casebridge.demo.setup import create_organisation
from casebridge.demo.training import schedule_training
from casebridge.training.models import (
    GPSurgery,
    ProgrammeReferral,
    SessionAttendance,
    SurgeryStatusChange,
    TrainingSession,
)
from casebridge.training.selectors import programme_figures, training_figures

SEED = 2022


def _replay(seed: int) -> Replay:
    replay = Replay(create_organisation(seed), [], seed)
    schedule_training(replay)
    return replay


def _run(replay: Replay) -> None:
    steps = sorted(replay.steps)
    with time_machine.travel(steps[0].at, tick=False) as clock, transaction.atomic():
        for step in steps:
            clock.move_to(step.at)
            step.run()


@pytest.fixture
def replayed(db) -> Replay:
    replay = _replay(SEED)
    _run(replay)
    return replay


def test_the_plan_is_the_same_for_the_same_seed_and_stays_in_the_period(db):
    def planned() -> list:
        with transaction.atomic():  # each plan needs the organisation; roll it back after
            moments = [step.at for step in sorted(_replay(SEED).steps)]
            transaction.set_rollback(True)
        return moments

    first, again = planned(), planned()
    assert first == again
    assert date(2021, 4, 1) <= first[0].date() and first[-1].date() <= date(2023, 3, 31)


def test_surgeries_engage_over_time_and_refer_a_few_patients_a_month(replayed):
    assert GPSurgery.objects.count() == 30
    engaged = SurgeryStatusChange.objects.filter(status="engaged")
    assert engaged.values("surgery").distinct().count() == 10
    assert SurgeryStatusChange.objects.filter(status="fully_trained").exists()
    referrals = ProgrammeReferral.objects.all()
    assert 30 <= referrals.count() <= 24 * 5
    months = {(r.referred_on.year, r.referred_on.month) for r in referrals}
    assert len(months) >= 12
    # Every entry was written through a service with the clock set to its day.
    assert all(r.recorded_at.date() == r.referred_on for r in referrals)
    analyst = replayed.user("lee.chen")
    figures = programme_figures(user=analyst, start=date(2022, 4, 1), end=date(2023, 3, 31))
    assert figures.listed == 30
    assert figures.by_status["not_engaged"] == 20
    assert figures.referrals == sum(
        r.count for r in referrals.filter(referred_on__gte=date(2022, 4, 1))
    )


def test_about_four_sessions_a_month_attended_by_the_demo_agencies(replayed):
    sessions = TrainingSession.objects.all()
    assert 24 * 3 <= sessions.count() <= 24 * 5
    agencies = set(SessionAttendance.objects.values_list("agency__code", flat=True))
    assert agencies <= set(replayed.org.agencies) and len(agencies) >= 8
    manager = replayed.user("helen.brooks")
    figures = training_figures(user=manager, start=date(2022, 4, 1), end=date(2023, 3, 31))
    assert figures.attendees > 0
    assert {label for label, sessions, _ in figures.by_level if sessions} >= {
        "Awareness",
        "Practitioner",
    }
    assert AuditEvent.objects.filter(object_type="training").count() > sessions.count()
    assert verify_chain().intact
