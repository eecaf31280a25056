"""Replaying serious violence through the services: the police's daily extract of violent and
knife-enabled offences (``incidents_import``, which proposes a SIRM for each incident meeting the
criteria), the coordinator's decision on each proposal, the SIRM itself (what the agencies
share, the risk ratings, the actions and their completion), the community-impact meeting with
the schools and community groups near the incident, and the SIRM case's close.

What happens when is planned in ``violence_plan``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from casebridge.demo.calendar import AS_OF, LONDON, add_working_days
from casebridge.demo.organisation import vve_coordinator
from casebridge.demo.violence_plan import (
    COMMUNITY_IMPACT_AGENCIES,
    COMMUNITY_IMPACT_LENGTH,
    SIRM_AGENCIES,
    PlannedSirm,
    PlannedViolence,
    plan_violence,
)
from casebridge.incidents.models import Incident
from casebridge.incidents.services import IncidentDetails, incidents_import
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import AgendaItem, InformationShared, Meeting
from casebridge.panels.services import (
    action_agree,
    action_complete,
    community_impact_schedule,
    community_impact_summary_record,
    information_share,
    meeting_close,
    meeting_mark_held,
    minutes_record,
    risk_rate,
)
from casebridge.pathways.models import Case
from casebridge.pathways.services import case_transition
from casebridge.people.models import Person
from casebridge.people.services import people_bulk_create
from casebridge.violence.models import SirmProposal
from casebridge.violence.services import sirm_convene, sirm_not_needed

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.demo.history import Replay

POLICE = "nb-police"
SOURCE = "the police's daily serious violence extract"
EXTRACT_AT = time(23, 30)
LOCATION = "Northbridge Civic Centre, committee room 2"
SHARES = {
    "nb-police": "Suspect arrested and bailed; intelligence suggests the two groups have been "
    "in dispute since the summer.",
    "nb-childrens-services": "Victim's younger siblings known to early help; the family have "
    "been told of the meeting.",
}
MINUTES = (
    "Police outlined the incident; agencies shared what they hold on both young people. Risks "
    "rated and actions agreed below."
)
COMMUNITY_SUMMARY = (
    "Heads and community leaders heard what is known of the incident and who is affected. "
    "Agreed: one message to parents in several languages, extra patrols by the park at school "
    "closing time, and the community responders' first-aid session at the youth club."
)
CLOSE_REASON = "Actions completed; no reprisal since the meeting."


@dataclass
class _Sirm:
    """One SIRM's records, as the replay writes them."""

    meeting: Meeting | None = None
    case: Case | None = None
    impact: Meeting | None = None
    actions: list[PanelAction] = field(default_factory=list)


def schedule_violence(
    replay: "Replay",
) -> tuple[list[PlannedSirm], dict[str, tuple[Meeting, Person]]]:
    """Add the serious violence stream and the SIRMs to ``replay``. Returns the planned SIRMs
    and, as the replay fills it, each held SIRM with its victim by incident reference (the
    Victim Coordinator's referrals from a SIRM read them)."""
    plan = plan_violence(replay.seed, replay.scale)
    officer = replay.agency_user(POLICE)
    recorded: dict[str, Incident] = {}
    days: dict[date, list[PlannedViolence]] = {}
    for incident in plan.incidents:
        days.setdefault(incident.reported_on, []).append(incident)
    for day, rows in days.items():
        replay.at(
            min(datetime.combine(day, EXTRACT_AT, tzinfo=LONDON), AS_OF),
            _extract(replay, officer, rows, recorded),
        )
    held: dict[str, tuple[Meeting, Person]] = {}
    for sirm in plan.sirms:
        _schedule_sirm(replay, sirm, recorded, held)
    return plan.sirms, held


def _extract(
    replay: "Replay", officer: "User", rows: list[PlannedViolence], recorded: dict[str, Incident]
) -> Callable[[], None]:
    def run() -> None:
        details = [row.victim for row in rows] + [row.suspect for row in rows if row.suspect]
        people = iter(
            people_bulk_create(actor=replay.org.generators[POLICE], people=details, source=SOURCE)
        )
        victims = [next(people) for _ in rows]
        created = incidents_import(
            actor=officer,
            incidents=[
                IncidentDetails(
                    reference=row.reference,
                    category=row.category,
                    occurred_at=row.occurred_at,
                    victim=victim,
                    suspect=next(people) if row.suspect else None,
                    weapon=row.weapon,
                    injury=row.injury,
                    gang_related=row.gang_related,
                    child_in_victim_household=row.child_in_victim_household,
                    ward=row.ward,
                    outside_borough=row.outside_borough,
                )
                for row, victim in zip(rows, victims, strict=True)
            ],
            source=SOURCE,
        )
        recorded.update((incident.reference, incident) for incident in created)

    return run


def _schedule_sirm(
    replay: "Replay",
    sirm: PlannedSirm,
    recorded: dict[str, Incident],
    held: dict[str, tuple[Meeting, Person]],
) -> None:
    chair = replay.user(vve_coordinator().username)
    reference = sirm.incident.reference
    records = _Sirm()

    def proposal() -> SirmProposal:
        return SirmProposal.objects.get(incident=recorded[reference])

    if sirm.not_needed_reason:
        replay.at(
            sirm.decided_at,
            lambda: sirm_not_needed(
                actor=chair, proposal=proposal(), reason=sirm.not_needed_reason
            ),
        )
        return
    if sirm.meeting_at is None or sirm.held_at is None:
        return  # still awaiting the coordinator at the demo's "now"
    meeting_at, held_at = sirm.meeting_at, sirm.held_at

    def convene() -> None:
        records.meeting = sirm_convene(
            actor=chair,
            proposal=proposal(),
            scheduled_for=meeting_at,
            attending_agencies=[replay.org.agencies[code] for code in SIRM_AGENCIES],
            location=LOCATION,
        )

    def item() -> AgendaItem:
        return AgendaItem.objects.select_related("case").get(meeting=records.meeting)

    replay.at(sirm.decided_at, convene)
    for number, (agency, text) in enumerate(SHARES.items()):
        replay.at(
            meeting_at - timedelta(hours=2, minutes=number * 10),
            lambda agency=agency, text=text: information_share(
                actor=replay.agency_user(agency),
                agenda_item=item(),
                text=text,
                phase=InformationShared.Phase.BEFORE,
            ),
        )

    def discuss() -> None:
        agenda_item = item()
        minutes_record(actor=chair, agenda_item=agenda_item, text=MINUTES)
        for rating in sirm.ratings:
            risk_rate(
                actor=chair,
                agenda_item=agenda_item,
                area=rating.area,
                level=rating.level,
                assessment=rating.assessment,
            )
        for action in sirm.actions:
            records.actions.append(
                action_agree(
                    actor=chair,
                    agenda_item=agenda_item,
                    description=action.description,
                    owner_agency=replay.org.agencies[action.agency],
                    owner_user=replay.agency_user(action.agency),
                    due_date=action.due,
                )
            )

    def mark_held() -> None:
        assert records.meeting is not None
        records.meeting = meeting_mark_held(actor=chair, meeting=records.meeting)
        records.case = item().case
        held[reference] = (records.meeting, records.case.subject)

    replay.at(meeting_at + timedelta(minutes=5), discuss)
    replay.at(held_at, mark_held)
    replay.at(held_at + timedelta(minutes=10), lambda: _move(records, chair, "open", held_at))
    closing = datetime.combine(add_working_days(held_at.date(), 1), time(9, 0), tzinfo=LONDON)
    if closing <= AS_OF:
        replay.at(closing, lambda: _close(records, chair))
    for number, action in enumerate(sirm.actions):
        if action.completed_at is not None:
            replay.at(
                action.completed_at,
                lambda number=number, action=action: action_complete(
                    actor=replay.agency_user(action.agency),
                    action=records.actions[number],
                    note="Done as agreed at the SIRM.",
                ),
            )
    if sirm.community_impact_at is not None:
        _schedule_community_impact(
            replay, chair, records, held_at, sirm.community_impact_at, sirm.incident.ward
        )
    if sirm.closed_at is not None:
        closed_at = sirm.closed_at
        replay.at(closed_at, lambda: _move(records, chair, "close", closed_at, CLOSE_REASON))


def _move(records: _Sirm, chair: "User", code: str, at: datetime, reason: str = "") -> None:
    assert records.case is not None
    records.case = case_transition(
        actor=chair, case=records.case, transition=code, reason=reason, at=at
    )


def _close(records: _Sirm, chair: "User") -> None:
    assert records.meeting is not None
    records.meeting = meeting_close(actor=chair, meeting=records.meeting)


def _schedule_community_impact(
    replay: "Replay",
    chair: "User",
    records: _Sirm,
    held_at: datetime,
    at: datetime,
    ward: str,
) -> None:
    def call() -> None:
        assert records.meeting is not None
        records.impact = community_impact_schedule(
            actor=chair,
            meeting=records.meeting,
            scheduled_for=at,
            title=f"Community impact - {ward}",
            location=f"{ward} Community Centre",
            attending_agencies=[replay.org.agencies[code] for code in COMMUNITY_IMPACT_AGENCIES],
        )

    def hold() -> None:
        assert records.impact is not None
        meeting = meeting_mark_held(actor=chair, meeting=records.impact)
        community_impact_summary_record(actor=chair, meeting=meeting, summary=COMMUNITY_SUMMARY)

    replay.at(held_at + timedelta(minutes=30), call)
    replay.at(at + COMMUNITY_IMPACT_LENGTH, hold)
