"""Replaying the Victim Coordinator's work through the services: referrals from the SIRMs and
the exploitation panel meetings that discussed a victim (``victim_referral_create`` naming the
meeting) and from the housing provider, then the coordinator's support, onward referrals and
the end of support. What happens when is planned in ``victims_plan`` (the panels' share of it
here, from the meetings the replay holds)."""

import random
from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from casebridge.casework.services import service_refer
from casebridge.demo.calendar import LONDON, add_working_days, at_office_time
from casebridge.demo.exploitation_plan import EXPLOITATION_PANEL, PlannedYoungPerson
from casebridge.demo.monthly_panels import PanelRecords
from casebridge.demo.organisation import victim_coordinator, vve_coordinator
from casebridge.demo.victims_plan import (
    ACTIVITIES,
    AGENCY_REFERRER,
    CLOSE_REASONS,
    NOT_ENGAGED_REASON,
    PANEL_REFERRAL_SHARE,
    STARTED_ON,
    PlannedAgencyReferral,
    PlannedSupport,
    plan_agency_referrals,
    plan_support,
)
from casebridge.demo.violence_plan import PlannedSirm
from casebridge.panels.models import Meeting
from casebridge.pathways.models import Case
from casebridge.pathways.services import case_activity_record, case_transition
from casebridge.people.models import Person
from casebridge.people.services import people_bulk_create
from casebridge.victims.services import victim_referral_create

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

SERVICE = "nb-childrens-services"  # where the Victim Coordinator works
SOURCE = "Victim Coordinator referrals"
PANEL_REASON = "Discussed at the panel: victim of serious violence, wants support to feel safe."

Heard = Callable[[], tuple[Meeting, Person]]


def schedule_victims(
    replay: "Replay",
    *,
    sirms: list[PlannedSirm],
    sirms_held: dict[str, tuple[Meeting, Person]],
    young: list[PlannedYoungPerson],
    panel: PanelRecords,
) -> None:
    """Add the Victim Coordinator's referrals and support to ``replay``."""
    rng = random.Random(f"{replay.seed}:victims-panels")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    candidates: list[tuple[datetime, float, Heard]] = []  # held at, share referred, who
    for sirm in sirms:
        if sirm.held_at is not None and sirm.held_at.date() >= STARTED_ON:
            reference = sirm.incident.reference
            candidates.append(
                (
                    sirm.held_at,
                    PANEL_REFERRAL_SHARE["sirm"],
                    lambda reference=reference: sirms_held[reference],
                )
            )
    for index, person in enumerate(young):
        later = [day for day in person.case.meetings if day >= STARTED_ON]
        if later:

            def heard(index: int = index, day: date = later[0]) -> tuple[Meeting, Person]:
                return panel.meetings[day], panel.cases[index].subject

            share = PANEL_REFERRAL_SHARE["exploitation"]
            candidates.append((EXPLOITATION_PANEL.ends(later[0]), share, heard))
    chosen = [(held, heard) for held, share, heard in candidates if rng.random() < share]
    # A tiny borough still shows a referral from a meeting when one could make it.
    chosen = chosen or [(held, heard) for held, _, heard in candidates[:1]]
    for held, heard in chosen:
        referred_at = at_office_time(rng, add_working_days(held.date(), rng.randint(1, 3)))
        support = plan_support(rng, referred_at)
        if support is not None:
            _schedule_referral(
                replay,
                referred_at,
                support,
                lambda heard=heard, referred_at=referred_at: _from_panel(
                    replay, heard, referred_at
                ),
            )
    for planned in plan_agency_referrals(replay.seed, replay.scale):
        _schedule_referral(
            replay,
            planned.referred_at,
            planned.support,
            lambda planned=planned: _from_agency(replay, planned),
        )


def _from_panel(replay: "Replay", heard: Heard, referred_at: datetime) -> Case:
    meeting, subject = heard()
    meeting = Meeting.objects.get(pk=meeting.pk)  # held since the replay kept it
    return victim_referral_create(
        actor=replay.user(vve_coordinator().username),
        subject=subject,
        owner_agency=replay.org.agencies[SERVICE],
        referral_reason=PANEL_REASON,
        consent=Case.Consent.GIVEN,
        lawful_basis=Case.LawfulBasis.CONSENT,
        victim_kind="direct",
        from_meeting=meeting,
        referred_at=referred_at,
    )


def _from_agency(replay: "Replay", planned: PlannedAgencyReferral) -> Case:
    (subject,) = people_bulk_create(
        actor=replay.org.generators[AGENCY_REFERRER], people=[planned.details], source=SOURCE
    )
    return victim_referral_create(
        actor=replay.agency_user(AGENCY_REFERRER),
        subject=subject,
        owner_agency=replay.org.agencies[SERVICE],
        referral_reason=planned.reason,
        consent=Case.Consent.GIVEN,
        lawful_basis=Case.LawfulBasis.CONSENT,
        victim_kind=planned.victim_kind,
        referred_at=planned.referred_at,
    )


def _schedule_referral(
    replay: "Replay", referred_at: datetime, support: PlannedSupport, refer: Callable[[], Case]
) -> None:
    coordinator = replay.user(victim_coordinator().username)
    cases: list[Case] = []

    def move(code: str, at: datetime, reason: str = "", outcome: str = "") -> Callable[[], None]:
        def run() -> None:
            cases[0] = case_transition(
                actor=coordinator,
                case=cases[0],
                transition=code,
                reason=reason,
                outcome=outcome,
                at=at,
            )

        return run

    replay.at(referred_at, lambda: cases.append(refer()))
    if not support.engaged:
        replay.at(
            support.decided_at,
            move("not_engaged", support.decided_at, NOT_ENGAGED_REASON, support.outcome),
        )
        return
    replay.at(support.decided_at, move("accept", support.decided_at))
    for at, code in support.activities:
        replay.at(
            at,
            lambda at=at, code=code: case_activity_record(
                actor=coordinator,
                case=cases[0],
                activity=code,
                text=ACTIVITIES[code],
                occurred_at=at,
            ),
        )
    for day, service in support.services:
        replay.at(
            datetime.combine(day, time(16, 30), tzinfo=LONDON),
            lambda day=day, service=service: service_refer(
                actor=coordinator, case=cases[0], service=service, referred_on=day
            ),
        )
    if support.closed_at is not None:
        closed_at = support.closed_at
        replay.at(
            closed_at,
            move("close", closed_at, CLOSE_REASONS[support.outcome], support.outcome),
        )
