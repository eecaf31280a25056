"""The demo refuges: two years of stays replayed through the services, shaped like the source."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction

from casebridge.audit.models import AuditEvent
from casebridge.audit.verification import verify_chain
from casebridge.demo.calendar import PERIOD_END, PERIOD_START
from casebridge.demo.history import Replay
from casebridge.demo.refuges import schedule_refuges
from casebridge.demo.setup import create_organisation
from casebridge.refuges.models import Refuge, Stay
from casebridge.refuges.selectors import refuge_occupancy

HALF_YEARS = [
    (date(2021, 4, 1), date(2021, 9, 30)),
    (date(2021, 10, 1), date(2022, 3, 31)),
    (date(2022, 4, 1), date(2022, 9, 30)),
    (date(2022, 10, 1), date(2023, 3, 31)),
]


def _run(replay: Replay) -> None:
    """What ``replay_history`` does with the steps: in time order, with the clock set."""
    steps = sorted(replay.steps)
    with time_machine.travel(steps[0].at, tick=False) as clock, transaction.atomic():
        for step in steps:
            clock.move_to(step.at)
            step.run()


@pytest.fixture
def replayed(db):
    with time_machine.travel(PERIOD_START - timedelta(days=7), tick=False):
        org = create_organisation(2022)
    replay = Replay(org, [], 2022)
    schedule_refuges(replay)
    _run(replay)
    return org


def test_two_refuges_run_by_the_housing_provider_and_the_charity(replayed):
    refuges = {r.provider.code: r.bed_spaces for r in Refuge.objects.select_related("provider")}
    assert refuges == {"nb-homes": 6, "nb-da-advocacy": 18}


def test_each_half_year_looks_like_the_source_and_never_exceeds_capacity(replayed):
    coordinator = replayed.users["maria.costa"]
    expected = {6: ((5, 13), (3, 12)), 18: ((28, 40), (20, 38))}
    for start, end in HALF_YEARS:
        for figures in refuge_occupancy(user=coordinator, start=start, end=end):
            (women_low, women_high), (kids_low, kids_high) = expected[figures.refuge.bed_spaces]
            assert women_low <= figures.women <= women_high, (figures, start)
            assert kids_low <= figures.children <= kids_high, (figures, start)
            assert 65 <= figures.percent_used <= 100, (figures, start)
    for refuge in Refuge.objects.all():
        stays = list(refuge.stays.values_list("arrived_on", "departed_on"))
        day = PERIOD_START
        while day <= PERIOD_END:
            occupied = sum(1 for a, d in stays if a <= day and (d is None or d > day))
            assert occupied <= refuge.bed_spaces, (refuge.name, day)
            day += timedelta(days=7)


def test_stays_last_three_to_nine_months_and_end_with_an_outcome(replayed):
    ended = Stay.objects.filter(departed_on__isnull=False)
    assert ended.exists() and Stay.objects.filter(departed_on__isnull=True).exists()
    for stay in ended:
        assert 91 <= (stay.departed_on - stay.arrived_on).days <= 274
        assert stay.move_on in Stay.MoveOn.values
    assert {
        s.person.recorded_by_agency.code
        for s in Stay.objects.select_related("person__recorded_by_agency")
    } == {"nb-homes", "nb-da-advocacy"}


def test_the_refuge_addresses_never_reach_the_audit_log(replayed):
    text = " ".join(f"{e.summary} {e.changes}" for e in AuditEvent.objects.all())
    for refuge in Refuge.objects.all():
        assert refuge.line_1 not in text and refuge.postcode not in text
    assert verify_chain().intact
