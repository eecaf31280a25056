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


def test_the_surgeries_end_the_period_as_the_source_counts_them(replayed):
    assert GPSurgery.objects.count() == 51
    analyst = replayed.user("lee.chen")
    figures = programme_figures(user=analyst, start=date(2022, 4, 1), end=date(2023, 3, 31))
    assert figures.listed == 51
    assert figures.by_status == {
        "fully_trained": 25,
        "partially_trained": 8,
        "engaged": 8,
        "not_engaged": 9,
        "withdrawn": 1,
    }


def test_the_status_history_is_dated_changes_some_of_them_in_the_period(replayed):
    changes = SurgeryStatusChange.objects.exclude(status="not_engaged")
    assert changes.values("surgery").distinct().count() == 51 - 9
    in_period = changes.filter(effective_on__gte=date(2021, 4, 1))
    assert in_period.values("surgery").distinct().count() >= 10
    assert in_period.filter(status="fully_trained").exists()
    assert changes.filter(effective_on__lt=date(2021, 4, 1)).exists()  # the earlier history
    # Recorded through the service with the clock set: a change in the period on its own day.
    assert all(c.recorded_at.date() == c.effective_on for c in in_period)
    analyst = replayed.user("lee.chen")
    start = programme_figures(user=analyst, start=date(2020, 4, 1), end=date(2021, 3, 31))
    assert start.by_status["fully_trained"] < 25 and start.by_status["not_engaged"] > 9


def test_surgeries_in_the_programme_refer_about_51_patients_a_year(replayed):
    referrals = ProgrammeReferral.objects.all()
    analyst = replayed.user("lee.chen")
    for start, end in (
        (date(2021, 4, 1), date(2022, 3, 31)),
        (date(2022, 4, 1), date(2023, 3, 31)),
    ):
        figures = programme_figures(user=analyst, start=start, end=end)
        assert 35 <= figures.referrals <= 70
        in_year = referrals.filter(referred_on__gte=start, referred_on__lte=end)
        assert figures.referrals == sum(r.count for r in in_year)
    months = {(r.referred_on.year, r.referred_on.month) for r in referrals}
    assert len(months) == 24
    # Every entry was written through a service with the clock set to its day.
    assert all(r.recorded_at.date() == r.referred_on for r in referrals)


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
