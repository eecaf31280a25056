"""Planning the Fitness Academy (no database): the young adults on the IOM cohort who take up
No1 Fitness First Educational Academy's mentoring and key-worker support, funded by MOPAC's
London Crime Prevention Fund for 17 to 25 year olds, and the parts of it each completes.

The source report's 6.11 counts 13 members in its 2022/23 report, so the demo's 13 (at the
borough's size) are referred, start and finish within 2022/23, and the board report's quarters
of that year show them: places are offered evenly from April, the last in time to finish by
31 March 2023, so starts fall in the first three quarters and completions in the last three.
"""

import random
from datetime import date, timedelta

from casebridge.demo.calendar import PERIOD_END
from casebridge.demo.iom_plan import PlannedMember
from casebridge.demo.offenders import PlannedService

FITNESS_ACADEMY = 13
FITNESS_AGES = (17, 25)
YEAR_START = date(2022, 4, 1)  # the Academy year the report counts: 2022/23
WAIT = (14, 90)  # days from a place being offered to the member's referral
MAX_COURSE = 140  # days from referral to the end: up to 20 to start and 120 on the course
# Of the 13 who took it up (6.11): how many completed each part.
FITNESS_ELEMENTS = {
    "fitness_course": 8,
    "coach_qualification": 2,
    "mentoring": 13,
    "employability": 11,
    "digital_skills": 8,
}


def plan_fitness_academy(rng: random.Random, members: list[PlannedMember], scale: float) -> None:
    """The young adults on the cohort who took up mentoring in 2022/23, with the report's
    completions scaled to how many there are."""
    wanted = max(2, round(FITNESS_ACADEMY * scale))
    adopted = [m for m in members if m.adopted_on is not None]
    # Every member's wait is drawn before any is chosen, so who is chosen leaves the draws
    # after it (the cohort's contacts, the young people, the women) as they were.
    waits = [timedelta(days=rng.randint(*WAIT)) for _ in adopted]
    # The last place is offered in time for the shortest wait and longest course to end by
    # the year's end; a member whose wait is longer is passed over for it.
    first, last = YEAR_START, PERIOD_END - timedelta(days=WAIT[0] + MAX_COURSE)
    chosen: list[tuple[date, PlannedMember]] = []
    for place in range(wanted):
        # Each place is offered in the middle of its share of the year.
        offered = first + (last - first) * (2 * place + 1) // (2 * wanted)
        best: tuple[float, date, PlannedMember] | None = None
        for member, wait in zip(adopted, waits, strict=True):
            referred = offered + wait
            if any(member is taken for _, taken in chosen) or not _stays(member, referred):
                continue
            fit = _age_fit(member, referred)
            if best is None or (fit, referred) < best[:2]:
                best = (fit, referred, member)
        if best is not None:
            chosen.append(best[1:])
    elements: list[set[str]] = [set() for _ in chosen]
    for element, completed in FITNESS_ELEMENTS.items():
        for held in rng.sample(elements, round(completed / FITNESS_ACADEMY * len(chosen))):
            held.add(element)
    for (referred, member), done in zip(chosen, elements, strict=True):
        started = referred + timedelta(days=rng.randint(5, 20))
        ended = started + timedelta(days=rng.randint(84, 120))
        member.services.append(
            PlannedService(
                "fitness_academy",
                referred,
                started,
                ended,
                "mentoring" in done,
                tuple(e for e in FITNESS_ELEMENTS if e in done),
            )
        )


def _stays(member: PlannedMember, referred: date) -> bool:
    """The course can end by the year's end, and the member is on the cohort from the
    referral until after it could end (the end is recorded on the case, which removal closes)."""
    course_end = referred + timedelta(days=MAX_COURSE)
    return (
        course_end <= PERIOD_END
        and member.on_cohort(referred)
        and member.on_cohort(course_end + timedelta(days=10))
    )


def _age_fit(member: PlannedMember, referred: date) -> float:
    """0 for a member aged 17 to 25 at the referral, else how far from the band's middle."""
    born = member.offender.details.date_of_birth
    assert born is not None
    age = (referred - born).days // 365
    low, high = FITNESS_AGES
    return 0 if low <= age <= high else abs(age - (low + high) / 2)
