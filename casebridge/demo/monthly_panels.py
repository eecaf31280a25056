"""Replaying a monthly panel (the Serious Adult Violence and exploitation risk panels) through
the services: the coordinator schedules each meeting, builds its agenda from the accepted
referrals and adds the open cases due a review; agencies share what they know the day before;
the coordinator records the minutes and agrees an action for each new case, marks the meeting
held and closes it out the next morning; owners complete their actions; cases are opened after
their first discussion and closed with an outcome.

What happens when is planned in ``panel_plan`` (and ``sav_plan``, ``exploitation_plan``).
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from casebridge.demo.calendar import AS_OF, LONDON, add_working_days, at_office_time
from casebridge.demo.organisation import vve_coordinator
from casebridge.demo.panel_plan import PanelCase, PanelRules, agenda_built_at
from casebridge.panels.models import AgendaItem, InformationShared, Meeting
from casebridge.panels.services import (
    action_agree,
    action_complete,
    agenda_add,
    agenda_build,
    information_share,
    meeting_close,
    meeting_mark_held,
    meeting_schedule,
    minutes_record,
)
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import case_transition

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.demo.history import Replay

SCHEDULED_AHEAD = timedelta(days=28)
MINUTES_PER_CASE = timedelta(minutes=8)
COMPLETION_NOTE = "Done; confirmed at the next panel."


@dataclass(frozen=True)
class PanelSpec:
    pathway: str
    title: str  # "SAV panel": the meeting is "SAV panel March 2022"
    location: str
    rules: PanelRules
    agencies: tuple[str, ...]
    shares: dict[str, str]  # what each sharing agency says of a case, the day before
    actions: dict[str, str]  # an action for a new case, by owning agency
    minutes: str


@dataclass
class PanelRecords:
    """The meetings and cases written so far, for the steps (and the Victim Coordinator's
    referrals) that build on them."""

    meetings: dict[date, Meeting] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)


def schedule_panel(
    replay: "Replay",
    spec: PanelSpec,
    planned: Sequence[PanelCase],
    refer: Callable[[int], Case],
) -> PanelRecords:
    """Add a monthly panel's meetings and the work on its cases to ``replay``. ``refer(index)``
    writes the referral of ``planned[index]`` and returns its case."""
    records = PanelRecords()
    rng = random.Random(f"{replay.seed}:panel:{spec.pathway}")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    chair = replay.user(vve_coordinator().username)
    agenda: dict[date, list[tuple[int, bool]]] = {}  # meeting day: (case index, first time)
    for index, case in enumerate(planned):
        _schedule_case(replay, records, chair, index, case, refer)
        for number, day in enumerate(case.meetings):
            agenda.setdefault(day, []).append((index, number == 0))
    for day in spec.rules.days:
        _schedule_meeting(replay, records, spec, chair, day, agenda.get(day, []), rng)
    return records


def _schedule_case(
    replay: "Replay",
    records: PanelRecords,
    chair: "User",
    index: int,
    case: PanelCase,
    refer: Callable[[int], Case],
) -> None:
    def run_refer() -> None:
        records.cases[index] = refer(index)

    def move(code: str, at: datetime, reason: str = "", outcome: str = "") -> Callable[[], None]:
        def run() -> None:
            records.cases[index] = case_transition(
                actor=chair,
                case=records.cases[index],
                transition=code,
                reason=reason,
                outcome=outcome,
                at=at,
            )

        return run

    replay.at(case.referred_at, run_refer)
    if case.decided_at is not None:
        code = "decline" if case.decline_reason else "accept"
        replay.at(case.decided_at, move(code, case.decided_at, case.decline_reason))
    if case.opened_at is not None:
        replay.at(case.opened_at, move("open", case.opened_at))
    if case.closed_at is not None:
        replay.at(case.closed_at, move("close", case.closed_at, case.close_reason, case.outcome))


def _schedule_meeting(
    replay: "Replay",
    records: PanelRecords,
    spec: PanelSpec,
    chair: "User",
    day: date,
    items: list[tuple[int, bool]],
    rng: random.Random,
) -> None:
    panel = spec.rules.panel
    held: dict[int, AgendaItem] = {}

    def schedule() -> None:
        records.meetings[day] = meeting_schedule(
            actor=chair,
            pathway=Pathway.objects.get(code=spec.pathway),
            scheduled_for=panel.start(day),
            title=f"{spec.title} {day:%B %Y}",
            location=spec.location,
            attending_agencies=[replay.org.agencies[code] for code in spec.agencies],
        )

    def build() -> None:
        meeting = records.meetings[day]
        agenda_build(actor=chair, meeting=meeting)
        for index, first in items:
            if not first:
                agenda_add(actor=chair, meeting=meeting, case=records.cases[index])

    def item(index: int) -> AgendaItem:
        if index not in held:
            held[index] = AgendaItem.objects.get(
                meeting=records.meetings[day], case=records.cases[index]
            )
        return held[index]

    replay.at(panel.start(day) - SCHEDULED_AHEAD, schedule)
    replay.at(agenda_built_at(day), build)
    before = day - timedelta(days=1)
    for position, (index, first) in enumerate(items):
        for agency, text in spec.shares.items():
            replay.at(
                at_office_time(rng, before, earliest=10),
                lambda index=index, agency=agency, text=text: information_share(
                    actor=replay.agency_user(agency),
                    agenda_item=item(index),
                    text=text,
                    phase=InformationShared.Phase.BEFORE,
                ),
            )
        discussed = panel.start(day) + position * MINUTES_PER_CASE
        replay.at(
            discussed,
            lambda index=index: minutes_record(
                actor=chair, agenda_item=item(index), text=spec.minutes
            ),
        )
        if first:
            _schedule_action(replay, spec, chair, day, discussed, item, index, rng)
    replay.at(
        panel.ends(day), lambda: meeting_mark_held(actor=chair, meeting=records.meetings[day])
    )
    closing = datetime.combine(add_working_days(day, 1), time(9, 0), tzinfo=LONDON)
    if closing <= AS_OF:
        replay.at(closing, lambda: meeting_close(actor=chair, meeting=records.meetings[day]))


def _schedule_action(
    replay: "Replay",
    spec: PanelSpec,
    chair: "User",
    day: date,
    discussed: datetime,
    item: Callable[[int], AgendaItem],
    index: int,
    rng: random.Random,
) -> None:
    agency = rng.choice(list(spec.actions))
    owner = replay.agency_user(agency)
    due = add_working_days(day, rng.choice((10, 15, 20)))
    done = at_office_time(rng, add_working_days(day, rng.randint(2, 25)))
    agreed: list[object] = []

    def agree() -> None:
        agreed.append(
            action_agree(
                actor=chair,
                agenda_item=item(index),
                description=spec.actions[agency],
                owner_agency=replay.org.agencies[agency],
                owner_user=owner,
                due_date=due,
            )
        )

    replay.at(discussed + timedelta(minutes=1), agree)
    if done <= AS_OF:
        replay.at(
            done,
            lambda: action_complete(actor=owner, action=agreed[0], note=COMPLETION_NOTE),
        )
