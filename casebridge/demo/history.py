"""Replaying the plan's two years of MARAC and IDVA work through the services, in time order.

Every step is the service call a user's click makes: the checklist, the police incidents, the
MARAC referral (whose criteria the engine works out), the coordinator's decision, the meeting,
its agenda, what agencies share, the actions and their completion, the IDVA's casework. The
clock is set to each step's moment first, so every record and audit entry is dated as if the
work had happened then.
"""

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import count

import time_machine
from django.db import transaction

from casebridge.access.services import entitlement_grant
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.assessments.models import Instrument
from casebridge.assessments.services import assessment_complete
from casebridge.audit.services import audit_record
from casebridge.demo.action_plans import schedule_action_plans
from casebridge.demo.calendar import (
    AS_OF,
    FIRST_MARAC_MEETING,
    MARAC_EVERY_DAYS,
    financial_years,
)
from casebridge.demo.casework import PlannedCasework
from casebridge.demo.disclosures import schedule_disclosures
from casebridge.demo.exploitation import schedule_exploitation
from casebridge.demo.hearings import Hearing, agenda_built_at, meeting_end, meeting_start
from casebridge.demo.marac import PlannedReferral
from casebridge.demo.offending import schedule_offending
from casebridge.demo.organisation import coordinator, practitioners
from casebridge.demo.police import schedule_police_incidents
from casebridge.demo.programmes import schedule_programmes
from casebridge.demo.refuges import schedule_refuges
from casebridge.demo.sav import schedule_sav
from casebridge.demo.setup import Organisation
from casebridge.demo.support import schedule_support
from casebridge.demo.training import schedule_training
from casebridge.demo.victims import schedule_victims
from casebridge.demo.violence import schedule_violence
from casebridge.incidents.models import Incident
from casebridge.incidents.services import incident_record
from casebridge.panels.marac import marac_referral_create
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import AgendaItem, InformationShared, Meeting
from casebridge.panels.services import (
    action_agree,
    action_complete,
    agenda_build,
    information_share,
    meeting_mark_held,
    meeting_schedule,
    minutes_record,
)
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.pathways.services import case_activity_record, case_transition, referral_create
from casebridge.people.models import Person
from casebridge.people.services import address_add, relationship_add

CHECKLIST = "da-risk-checklist"
STEPS_PER_TRANSACTION = 250
PROGRESS_EVERY_SECONDS = 10
SCHEDULED_AHEAD = timedelta(days=28)
MINUTES_PER_CASE = timedelta(minutes=5)
SEAL_REASON = "The victim works for a partner agency: case sealed to named staff"
IDVA_SERVICE = "nb-da-advocacy"
CASELESS_KINDS = (Agency.Kind.SCHOOL, Agency.Kind.COMMUNITY)

Progress = Callable[[str], None]


@dataclass(order=True)
class Step:
    at: datetime
    order: int
    run: Callable[[], object] = field(compare=False)


@dataclass
class Replay:
    """The records made so far, for the steps that build on them."""

    org: Organisation
    people: list[Person]
    seed: int
    # Activity volumes are the borough's (calibrated to the source reports) times this: a tiny
    # demo runs the same services on a few records.
    scale: float = 1.0
    cases: dict[int, Case] = field(default_factory=dict)
    meetings: dict[date, Meeting] = field(default_factory=dict)
    agenda: dict[int, AgendaItem] = field(default_factory=dict)  # by referral
    actions: dict[tuple[int, int], PanelAction] = field(default_factory=dict)
    idva_cases: dict[int, Case] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    _order: Iterator[int] = field(default_factory=count)

    def at(self, moment: datetime, run: Callable[[], object]) -> None:
        self.steps.append(Step(moment, next(self._order), run))

    def user(self, username: str) -> User:
        return self.org.users[username]

    @property
    def chair(self) -> User:
        return self.user(coordinator().username)

    def agency_user(self, agency: str) -> User:
        return self.user(practitioners(agency)[0].username)


def replay_history(
    *,
    org: Organisation,
    people: list[Person],
    referrals: list[PlannedReferral],
    seed: int,
    scale: float,
    progress: Progress,
) -> None:
    replay = Replay(org, people, seed, scale)
    marac = Pathway.objects.get(code="da-marac")
    idva = Pathway.objects.get(code="idva")
    _plan_meetings(replay, marac)
    per_meeting: dict[date, int] = {}
    for index, planned in enumerate(referrals):
        _plan_referral(replay, index, planned)
        if planned.hearing is not None:
            position = per_meeting.get(planned.hearing.meeting, 0)
            per_meeting[planned.hearing.meeting] = position + 1
            _plan_hearing(replay, index, planned, planned.hearing, position)
        if planned.casework is not None:
            _plan_casework(replay, index, planned, planned.casework, idva)
    schedule_refuges(replay)
    schedule_training(replay)
    schedule_programmes(replay)
    schedule_support(replay)
    schedule_police_incidents(replay, already=_marac_incidents_by_year(referrals))
    schedule_disclosures(replay, referrals)
    schedule_offending(replay)
    schedule_action_plans(replay)
    sirms, sirms_held = schedule_violence(replay)
    schedule_sav(replay)
    young, exploitation_panel = schedule_exploitation(replay)
    schedule_victims(
        replay, sirms=sirms, sirms_held=sirms_held, young=young, panel=exploitation_panel
    )
    # In the steps' own order, by a key: the dataclass's comparisons build two tuples in Python
    # for each comparison (0.44 s of CPU for 60,000 steps; 0.15 s by the key).
    steps = sorted(replay.steps, key=lambda step: (step.at, step.order))
    reported = time.perf_counter()
    with time_machine.travel(steps[0].at if steps else AS_OF, tick=False) as clock:
        for start in range(0, len(steps), STEPS_PER_TRANSACTION):
            with transaction.atomic():
                for step in steps[start : start + STEPS_PER_TRANSACTION]:
                    clock.move_to(step.at)
                    step.run()
            if time.perf_counter() - reported > PROGRESS_EVERY_SECONDS:
                progress(f"  history: {steps[start].at:%B %Y}")
                reported = time.perf_counter()


def _marac_incidents_by_year(referrals: list[PlannedReferral]) -> dict[date, int]:
    """The police incidents behind MARAC escalations, by the financial year they fall in."""
    years = financial_years()
    counts = dict.fromkeys((start for start, _ in years), 0)
    for planned in referrals:
        for occurred in planned.evidence.incidents:
            for start, end in years:
                if start <= occurred.date() <= end:
                    counts[start] += 1
    return counts


# --- meetings ------------------------------------------------------------------------------


def meeting_days() -> list[date]:
    days, day = [], FIRST_MARAC_MEETING
    while meeting_end(day) <= AS_OF:
        days.append(day)
        day += timedelta(days=MARAC_EVERY_DAYS)
    return days


def _plan_meetings(replay: Replay, marac: Pathway) -> None:
    # Schools and community groups come to a SIRM's community-impact meetings, never a MARAC.
    attending = [
        agency
        for code, agency in replay.org.agencies.items()
        if practitioners(code) and agency.kind not in CASELESS_KINDS
    ]
    for day in meeting_days():

        def schedule(day: date = day) -> None:
            replay.meetings[day] = meeting_schedule(
                actor=replay.chair,
                pathway=marac,
                scheduled_for=meeting_start(day),
                title=f"MARAC {day:%-d %B %Y}",
                location="Online (Microsoft Teams)",
                attending_agencies=attending,
            )

        def build(day: date = day) -> None:
            agenda_build(actor=replay.chair, meeting=replay.meetings[day])

        def held(day: date = day) -> None:
            meeting_mark_held(actor=replay.chair, meeting=replay.meetings[day])

        replay.at(meeting_start(day) - SCHEDULED_AHEAD, schedule)
        replay.at(agenda_built_at(day), build)
        replay.at(meeting_end(day), held)


# --- referrals -----------------------------------------------------------------------------


def _plan_referral(replay: Replay, index: int, planned: PlannedReferral) -> None:
    people, referrer = replay.people, replay.user(planned.referrer)
    victim, perpetrator = people[planned.victim], people[planned.perpetrator]
    evidence = planned.evidence
    if evidence.checklist_at is not None:
        replay.at(
            evidence.checklist_at,
            lambda: assessment_complete(
                actor=referrer,
                person=victim,
                instrument_code=CHECKLIST,
                answers=_checklist_answers(replay.seed, index, evidence.checklist_yes),
                assessed_at=evidence.checklist_at,
            ),
        )
    officer = replay.agency_user("nb-police")
    for number, occurred in enumerate(evidence.incidents):
        replay.at(
            occurred,
            lambda occurred=occurred, number=number: incident_record(
                actor=officer,
                reference=f"CAD-{occurred:%y%m%d}-{index:04d}{number}",
                category=Incident.Category.DOMESTIC_ABUSE,
                occurred_at=occurred,
                victim=victim,
                suspect=perpetrator,
            ),
        )

    def refer() -> None:
        for rel in planned.relationships:
            relationship_add(
                actor=referrer,
                person=people[rel.person],
                related_person=people[rel.related],
                kind=rel.kind,
                valid_from=rel.valid_from,
            )
        case = marac_referral_create(
            actor=referrer,
            victim=victim,
            perpetrators=[perpetrator],
            children=[people[key] for key in planned.children],
            relationship=planned.relationship,
            victim_aware=planned.victim_aware,
            referral_reason=planned.reason,
            consent=planned.consent,
            lawful_basis=planned.lawful_basis,
            judgement_reason=evidence.judgement,
            referred_at=planned.referred_at,
            needs=planned.needs,
        )
        replay.cases[index] = case
        if planned.refuge is not None:
            address_add(actor=referrer, person=victim, address=planned.refuge)
        if planned.restricted:
            _seal(case, chair=replay.chair, referrer=referrer)

    replay.at(planned.referred_at, refer)
    for step in planned.transitions:
        replay.at(
            step.at,
            lambda step=step: _move(
                replay.cases,
                index,
                actor=replay.chair,
                code=step.code,
                reason=step.reason,
                at=step.at,
            ),
        )


def _move(
    cases: dict[int, Case], index: int, *, actor: User, code: str, reason: str, at: datetime
) -> None:
    cases[index] = case_transition(
        actor=actor, case=cases[index], transition=code, reason=reason, at=at
    )


def _checklist_answers(seed: int, index: int, yes: int) -> dict[str, str]:
    """``yes`` questions answered "Yes", the rest "No" or now and then "Not known"."""
    instrument = Instrument.objects.filter(code=CHECKLIST, is_current=True).get()
    codes = [question["code"] for question in instrument.definition["questions"]]
    rng = random.Random(f"{seed}:checklist:{index}")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    answered_yes = set(rng.sample(codes, yes))
    return {
        code: "yes" if code in answered_yes else rng.choice(("no", "no", "no", "not_known"))
        for code in codes
    }


def _seal(case: Case, *, chair: User, referrer: User) -> None:
    """Seal a case to the coordinator and the referrer (there is no sealing service yet)."""
    for user in (chair, referrer):
        entitlement_grant(actor=chair, user=user, case=case, reason=SEAL_REASON)
    # Saved, not updated in bulk: the policy judges a record as it was last loaded or saved.
    case.is_restricted = True
    case.save(update_fields=["is_restricted"])
    audit_record(
        actor=chair,
        action="change",
        object_type="case",
        object_id=case.pk,
        summary=f"Sealed {case.reference}",
        changes={"is_restricted": [False, True]},
        reason=SEAL_REASON,
    )


# --- the panel's work on a case ------------------------------------------------------------


def _plan_hearing(
    replay: Replay, index: int, planned: PlannedReferral, hearing: Hearing, position: int
) -> None:
    def item() -> AgendaItem:
        if index not in replay.agenda:
            replay.agenda[index] = AgendaItem.objects.get(
                meeting=replay.meetings[hearing.meeting], case=replay.cases[index]
            )
        return replay.agenda[index]

    referrer = replay.user(planned.referrer)
    for share in hearing.shares:
        # A sealed case is shared only by those it is sealed to.
        if planned.restricted and share.agency != planned.agency:
            continue
        sharer = referrer if planned.restricted else replay.agency_user(share.agency)
        replay.at(
            share.at,
            lambda share=share, sharer=sharer: information_share(
                actor=sharer,
                agenda_item=item(),
                text=share.text,
                phase=InformationShared.Phase.BEFORE,
            ),
        )
    discussed = meeting_start(hearing.meeting) + position * MINUTES_PER_CASE
    replay.at(
        discussed,
        lambda: minutes_record(actor=replay.chair, agenda_item=item(), text=hearing.minutes),
    )
    for number, action in enumerate(hearing.actions):
        owner = replay.agency_user(action.agency)

        def agree(action=action, number=number, owner=owner) -> None:
            replay.actions[index, number] = action_agree(
                actor=replay.chair,
                agenda_item=item(),
                description=action.description,
                owner_agency=replay.org.agencies[action.agency],
                owner_user=owner,
                due_date=action.due,
            )

        replay.at(discussed, agree)
        if action.completed_at is not None:
            completer = replay.chair if planned.restricted else owner
            replay.at(
                action.completed_at,
                lambda action=action, number=number, completer=completer: action_complete(
                    actor=completer, action=replay.actions[index, number], note=action.note
                ),
            )


def _plan_casework(
    replay: Replay, index: int, planned: PlannedReferral, casework: PlannedCasework, idva: Pathway
) -> None:
    referrer, advocate = replay.user(planned.referrer), replay.user(casework.advocate)

    def refer() -> None:
        replay.idva_cases[index] = referral_create(
            actor=referrer,
            pathway=idva,
            subject=replay.people[planned.victim],
            referral_reason="Heard at MARAC: high risk. Please offer IDVA support.",
            consent=planned.consent,
            lawful_basis=planned.lawful_basis,
            other_people=[(replay.people[planned.perpetrator], CasePerson.Role.PERPETRATOR)],
            owner_agency=replay.org.agencies[IDVA_SERVICE],
            referred_at=casework.referred_at,
        )

    replay.at(casework.referred_at, refer)
    replay.at(
        casework.decided_at,
        lambda: _move(
            replay.idva_cases,
            index,
            actor=advocate,
            code=casework.decision,
            reason=casework.decline_reason,
            at=casework.decided_at,
        ),
    )
    for activity in casework.activities:
        replay.at(
            activity.at,
            lambda activity=activity: case_activity_record(
                actor=advocate,
                case=replay.idva_cases[index],
                activity=activity.code,
                text=activity.text,
                occurred_at=activity.at,
            ),
        )
    if casework.closed_at is not None:
        closed_at = casework.closed_at
        replay.at(
            closed_at,
            lambda: _move(
                replay.idva_cases,
                index,
                actor=advocate,
                code="close",
                reason=casework.outcome,
                at=closed_at,
            ),
        )
