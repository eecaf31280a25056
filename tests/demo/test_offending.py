"""The demo borough's reoffending work: the IOM cohort, young people's offending, the women's
pathway and the Blueprint plan, planned near the source report's figures and written through
the services."""

from collections import Counter
from datetime import date

from casebridge.demo.fitness_academy_plan import FITNESS_ELEMENTS
from casebridge.demo.offenders import FOLLOW_UP, WAITING, Offender
from casebridge.demo.offending_plan import plan_offending
from casebridge.demo.sizes import SIZES
from casebridge.demo.youth_plan import YOUTH_POPULATION

BOROUGH = plan_offending(2022, SIZES["borough"].activity_scale)
TINY = plan_offending(2022, SIZES["tiny"].activity_scale)
Q2_22_23 = (date(2022, 7, 1), date(2022, 9, 30))


# --- the plan ------------------------------------------------------------------------------


def test_borough_cohort_is_about_a_hundred_mostly_on_licence():
    first, last = Q2_22_23
    adopted = [m for m in BOROUGH.members if m.adopted_on]
    in_quarter = [m for m in adopted if m.adopted_on <= last and (m.ended_on or last) >= first]
    on_day = [m for m in adopted if m.on_cohort(last)]
    assert 90 <= len(in_quarter) <= 115
    assert 0.78 <= sum(m.statutory_on(last) for m in on_day) / len(on_day) <= 0.92
    men = sum(m.offender.details.sex == "male" for m in in_quarter)
    assert 0.8 <= men / len(in_quarter) <= 0.94
    red_amber = sum(m.tier_on(last) in ("red", "amber") for m in on_day)
    assert 0.55 <= red_amber / len(on_day) <= 0.8


def test_borough_offending_roughly_halves_after_adoption():
    before = after = 0
    for member in BOROUGH.members:
        adopted = member.adopted_on
        if adopted is None or adopted + FOLLOW_UP > date(2023, 3, 30):
            continue
        for offence in member.offender.offences:
            before += adopted - FOLLOW_UP <= offence.committed_on < adopted
            after += adopted <= offence.committed_on < adopted + FOLLOW_UP
    assert 0.4 <= after / before <= 0.65


def first_proven(offender: Offender) -> date:
    return min(o.proven_on for o in offender.offences if o.proven_on)


def test_borough_first_time_entrants_are_near_169_per_100000_in_22_23():
    by_year = Counter(
        first.year if first.month >= 4 else first.year - 1
        for first in map(first_proven, BOROUGH.young_people)
    )
    rate = by_year[2022] / YOUTH_POPULATION * 100_000
    assert 150 <= rate <= 185
    assert by_year[2020] < by_year[2022]  # fewer during Covid


def test_about_a_third_of_young_people_reoffend_within_the_follow_up():
    matured = [y for y in BOROUGH.young_people if first_proven(y) <= date(2021, 9, 30)]
    reoffended = 0
    for young in matured:
        index = first_proven(young)
        reoffended += any(
            o.proven_on
            and index < o.committed_on <= index + FOLLOW_UP
            and o.proven_on <= index + FOLLOW_UP + WAITING
            for o in young.offences
        )
    assert 0.25 <= reoffended / len(matured) <= 0.4


def test_every_offence_is_committed_before_it_is_proven():
    for offender in BOROUGH.offenders:
        for offence in offender.offences:
            for day in (offence.police_outcome_on, offence.court_on):
                assert day is None or offence.committed_on <= day <= date(2023, 3, 30)


def test_borough_refers_about_sixty_women_a_year_and_thirteen_to_the_academy():
    assert 110 <= len(BOROUGH.women) <= 130
    academy = [s for m in BOROUGH.members for s in m.services if s.service == "fitness_academy"]
    assert len(academy) == 13
    assert sum("coach_qualification" in s.elements for s in academy) == 2


def test_the_fitness_academy_starts_and_ends_in_22_23_as_the_board_report_counts_it():
    first, last = date(2022, 4, 1), date(2023, 3, 31)
    for plan in (BOROUGH, TINY):
        taken = [
            (member, service)
            for member in plan.members
            for service in member.services
            if service.service == "fitness_academy"
        ]
        assert taken
        for member, service in taken:
            assert first <= service.referred_on <= service.started_on < service.ended_on <= last
            assert member.on_cohort(service.ended_on)
    academy = [s for m in BOROUGH.members for s in m.services if s.service == "fitness_academy"]
    # Spread through the year: starts in three quarters and completions in three.
    assert len({(s.started_on.month - 4) % 12 // 3 for s in academy}) >= 3
    assert len({(s.ended_on.month - 4) % 12 // 3 for s in academy}) >= 3
    completed = Counter(element for s in academy for element in s.elements)
    assert completed == FITNESS_ELEMENTS


def test_the_plan_is_the_same_for_the_same_seed():
    again = plan_offending.__wrapped__(2022, SIZES["tiny"].activity_scale)
    assert [m.offender.details for m in again.members] == [m.offender.details for m in TINY.members]
