"""The partnership's Blueprint action plan: what it committed to for women in contact with the
criminal justice system, who answers for each commitment, and the coordinator's quarterly
updates. By the demo's "now" some are done, some on track, some at risk and past their due
date, and one was dropped, so the plan's page and the board report have each status to show.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from casebridge.demo.calendar import LONDON
from casebridge.plans.models import Commitment
from casebridge.plans.services import action_plan_create, commitment_create, commitment_update

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

CREATED_ON = date(2021, 6, 14)
CODE = "london-blueprint"
TITLE = "Women in contact with the criminal justice system: Blueprint action plan"
DESCRIPTION = (
    "Northbridge's plan for the London Blueprint: a whole-system approach to women in contact "
    "with the criminal justice system, diverting them to women's centres and community support."
)


@dataclass(frozen=True)
class PlannedCommitment:
    reference: str
    commitment: str
    owner_agency: str
    owner: str
    due_on: date
    updates: tuple[tuple[date, str, str], ...]  # day, status, note


COMMITMENTS = (
    PlannedCommitment(
        "1.1",
        "Every woman arrested is offered a liaison and diversion assessment in custody.",
        "nb-police",
        "Custody inspector",
        date(2022, 3, 31),
        (
            (date(2021, 9, 20), "on_track", "Assessments offered in the day custody suite."),
            (date(2022, 3, 21), "done", "Offered around the clock since February."),
        ),
    ),
    PlannedCommitment(
        "1.2",
        "Agree conditional cautions with a women's centre condition as the usual disposal.",
        "nb-police",
        "Head of criminal justice",
        date(2022, 6, 30),
        (
            (date(2021, 9, 20), "on_track", "Draft protocol with the women's centre."),
            (date(2022, 1, 10), "at_risk", "Waiting for the force's out-of-court framework."),
            (date(2022, 6, 27), "done", "Protocol signed; cautions referred from July."),
        ),
    ),
    PlannedCommitment(
        "2.1",
        "Open a women-only reporting space for probation appointments at the women's centre.",
        "nb-probation",
        "Head of the probation delivery unit",
        date(2022, 9, 30),
        (
            (date(2021, 12, 13), "on_track", "Rooms agreed; IT link being installed."),
            (date(2022, 9, 19), "done", "Reporting at the centre on Tuesdays and Thursdays."),
        ),
    ),
    PlannedCommitment(
        "2.2",
        "Offer every woman on a community order a trauma-informed key worker.",
        "nb-womens-centre",
        "Women's centre manager",
        date(2022, 12, 31),
        (
            (date(2022, 3, 21), "on_track", "Two key workers recruited."),
            (date(2022, 9, 19), "at_risk", "One post vacant since August."),
            (date(2023, 1, 16), "at_risk", "Vacancy re-advertised; waiting list of nine."),
        ),
    ),
    PlannedCommitment(
        "3.1",
        "Find settled housing for women leaving prison on the day of release.",
        "nb-homes",
        "Head of housing options",
        date(2022, 12, 31),
        (
            (date(2022, 3, 21), "on_track", "Release-day protocol with the prison."),
            (date(2022, 12, 12), "at_risk", "Three women released to no fixed abode this quarter."),
        ),
    ),
    PlannedCommitment(
        "3.2",
        "Extend step-down support (Minerva Advance) to young women turning 18 in youth justice.",
        "nb-youth-justice",
        "Youth justice service manager",
        date(2023, 3, 31),
        (
            (date(2022, 6, 27), "on_track", "Transition meetings from 17 and a half."),
            (date(2023, 1, 16), "on_track", "Eight young women stepped down so far."),
        ),
    ),
    PlannedCommitment(
        "4.1",
        "Report diversion and outcomes for women to the partnership board each quarter.",
        "nb-community-safety",
        "Performance analyst",
        date(2022, 3, 31),
        ((date(2022, 1, 10), "done", "First quarterly report to the January board."),),
    ),
    PlannedCommitment(
        "4.2",
        "Commission a specialist service for women involved in sex work.",
        "nb-community-safety",
        "Head of community safety",
        date(2022, 9, 30),
        (
            (date(2021, 12, 13), "not_started", "Waiting for the needs assessment."),
            (date(2022, 6, 27), "dropped", "No funding this year; folded into the VAWG strategy."),
        ),
    ),
    PlannedCommitment(
        "4.3",
        "Train every custody officer in the needs of women in the criminal justice system.",
        "nb-police",
        "Custody inspector",
        date(2023, 2, 28),
        ((date(2022, 9, 19), "not_started", "Training package being written with the centre."),),
    ),
)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=LONDON)


def schedule_action_plans(replay: "Replay") -> None:
    """The coordinator writes the plan in June 2021 and updates it after each board."""
    coordinator = replay.chair
    commitments: dict[str, Commitment] = {}

    def create() -> None:
        plan = action_plan_create(
            actor=coordinator, code=CODE, title=TITLE, description=DESCRIPTION
        )
        for planned in COMMITMENTS:
            commitments[planned.reference] = commitment_create(
                actor=coordinator,
                plan=plan,
                reference=planned.reference,
                commitment=planned.commitment,
                owner_agency=replay.org.agencies[planned.owner_agency],
                owner=planned.owner,
                due_on=planned.due_on,
            )

    replay.at(_at(CREATED_ON), create)
    for planned in COMMITMENTS:
        for day, status, note in planned.updates:
            replay.at(
                _at(day),
                lambda planned=planned, day=day, status=status, note=note: commitment_update(
                    actor=coordinator,
                    commitment=commitments[planned.reference],
                    status=status,
                    note=note,
                    at=_at(day),
                ),
            )
