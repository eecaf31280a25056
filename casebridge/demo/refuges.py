"""The borough's two refuges and two years of arrivals and departures, replayed as clicks.

Modelled on a London borough's safeguarding report (Barnet, 2022/23): a 6-bed refuge run by the
council's housing provider supported 9 women and 7 children in a half-year; an 18-bed service
run by the domestic-abuse charity supported 34 women and 29 children. Each bed space here is
filled one stay after another (3 to 9 months each, a few weeks empty between), so occupancy is
high but never above capacity, and the women and children per half-year come out near those.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from casebridge.demo.calendar import LONDON, PERIOD_END, PERIOD_START, at_office_time
from casebridge.demo.identifiers import IdentifierAllocator, home_address
from casebridge.demo.names import load_pools
from casebridge.demo.population import PersonMaker, weighted
from casebridge.people.models import Person, Relationship
from casebridge.people.services import PersonDetails, people_bulk_create, relationship_add
from casebridge.refuges.models import Refuge, Stay
from casebridge.refuges.services import RefugeAddress, refuge_create, stay_begin, stay_end

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

SOURCE = "refuge arrival"
CREATED_AT = datetime.combine(PERIOD_START, time(8, 0), tzinfo=LONDON)
MOVE_ON: dict[str, float] = {
    Stay.MoveOn.SOCIAL_HOUSING: 27,
    Stay.MoveOn.PRIVATE_RENTED: 14,
    Stay.MoveOn.HOME_WITH_SANCTUARY: 8,
    Stay.MoveOn.ANOTHER_REFUGE: 9,
    Stay.MoveOn.FRIENDS_FAMILY: 17,
    Stay.MoveOn.RETURNED_TO_PERPETRATOR: 10,
    Stay.MoveOn.UNKNOWN: 15,
}


@dataclass(frozen=True)
class RefugeSpec:
    name: str
    provider: str
    bed_spaces: int
    workers: tuple[str, ...]
    stay_days: tuple[int, int, int]  # low, high, mode of a triangular draw (3 to 9 months)
    empty_days: tuple[int, int]  # between one stay and the next in a bed space
    children: dict[int, float]  # how many children come with a woman, weighted


REFUGES = (
    RefugeSpec(
        name="Marlowe House",
        provider="nb-homes",
        bed_spaces=6,
        workers=("dan.kowalski",),
        stay_days=(180, 274, 274),
        empty_days=(28, 90),
        children={0: 50, 1: 27, 2: 16, 3: 7},
    ),
    RefugeSpec(
        name="Harbour and Linden Houses",
        provider="nb-da-advocacy",
        bed_spaces=18,
        workers=("priya.shah", "amara.osei"),
        stay_days=(91, 274, 200),
        empty_days=(7, 28),
        children={0: 45, 1: 29, 2: 18, 3: 8},
    ),
)


@dataclass(frozen=True)
class PlannedStay:
    arrived_on: date
    departed_on: date | None  # None: still there at the end of the period
    woman: PersonDetails
    children: tuple[PersonDetails, ...]
    worker: str
    move_on: str


def _family(
    maker: PersonMaker, rng: random.Random, spec: RefugeSpec, on: date
) -> tuple[PersonDetails, tuple[PersonDetails, ...]]:
    identity = maker.identity()
    age = rng.randint(19, 48)
    woman = maker.make(
        sex=Person.Sex.FEMALE,
        age=age,
        on=on,
        identity=identity,
        nhs_chance=0.0,  # a second allocator could repeat the population's numbers
        police_chance=0.0,
    )
    children = tuple(
        maker.make(
            sex=rng.choice((Person.Sex.FEMALE, Person.Sex.MALE)),
            age=rng.randint(0, min(15, age - 17)),
            on=on,
            identity=identity,
            family_name=woman.family_name if rng.random() < 0.8 else None,
            nhs_chance=0.0,
            police_chance=0.0,
            addresses=woman.addresses,
        )
        for _ in range(weighted(rng, spec.children))
    )
    return woman, children


def plan_stays(rng: random.Random, maker: PersonMaker, spec: RefugeSpec) -> list[PlannedStay]:
    """Fill each bed space with one stay after another over the period.

    The first stays began before the period (the refuge was already running) and are recorded
    on its first day.
    """
    planned: list[PlannedStay] = []
    for _ in range(spec.bed_spaces):
        length = int(rng.triangular(*spec.stay_days))
        arrived = PERIOD_START - timedelta(days=rng.randint(0, length - 7))
        while arrived <= PERIOD_END:
            departed: date | None = arrived + timedelta(days=length)
            if departed is not None and departed > PERIOD_END:
                departed = None
            woman, children = _family(maker, rng, spec, arrived)
            planned.append(
                PlannedStay(
                    arrived_on=arrived,
                    departed_on=departed,
                    woman=woman,
                    children=children,
                    worker=rng.choice(spec.workers),
                    move_on=weighted(rng, MOVE_ON),
                )
            )
            if departed is None:
                break
            arrived = departed + timedelta(days=rng.randint(*spec.empty_days))
            length = int(rng.triangular(*spec.stay_days))
    return planned


def schedule_refuges(replay: "Replay") -> None:
    """Add to the replay the refuges' creation and every arrival and departure."""
    rng = random.Random(f"{replay.seed}:refuges")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    pools = load_pools()
    maker = PersonMaker(rng, pools, IdentifierAllocator(rng))
    for spec in REFUGES:
        address = home_address(rng, pools, valid_from=PERIOD_START)
        refuges = _schedule_refuge(
            replay,
            spec,
            RefugeAddress(
                line_1=address.line_1,
                line_2=address.line_2,
                town=address.town,
                postcode=address.postcode,
            ),
        )
        for planned in plan_stays(rng, maker, spec):
            _schedule_stay(replay, rng, refuges, planned)


def _schedule_refuge(replay: "Replay", spec: RefugeSpec, address: RefugeAddress) -> list[Refuge]:
    """The refuge is recorded first thing on the period's first day; the list holds it once
    the step has run, for the steps after it."""
    refuges: list[Refuge] = []

    def create() -> None:
        refuges.append(
            refuge_create(
                actor=replay.user(spec.workers[0]),
                name=spec.name,
                provider=replay.org.agencies[spec.provider],
                bed_spaces=spec.bed_spaces,
                address=address,
            )
        )

    replay.at(CREATED_AT, create)
    return refuges


def _schedule_stay(
    replay: "Replay", rng: random.Random, refuges: list[Refuge], planned: PlannedStay
) -> None:
    worker = replay.user(planned.worker)
    stays: list[Stay] = []

    def arrive() -> None:
        woman, *children = people_bulk_create(
            actor=worker, people=[planned.woman, *planned.children], source=SOURCE
        )
        for child, details in zip(children, planned.children, strict=True):
            relationship_add(
                actor=worker,
                person=woman,
                related_person=child,
                kind=Relationship.Kind.PARENT,
                valid_from=details.date_of_birth,
            )
        stays.append(
            stay_begin(
                actor=worker,
                refuge=refuges[0],
                person=woman,
                arrived_on=planned.arrived_on,
                children=children,
            )
        )

    def leave(departed_on: date) -> None:
        stay_end(actor=worker, stay=stays[0], departed_on=departed_on, move_on=planned.move_on)

    # Stays begun before the period are recorded on its first day.
    replay.at(at_office_time(rng, max(planned.arrived_on, PERIOD_START)), arrive)
    if planned.departed_on is not None:
        departed_on = planned.departed_on
        replay.at(at_office_time(rng, departed_on), lambda: leave(departed_on))
