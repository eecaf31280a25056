"""Replaying the IOM cohort's and the women's centre's casework through the services.

What happens, and when, is planned in ``offending_plan`` and the modules it names (sources and
volumes are described there). Each IOM member is recorded and proposed by their manager (the
probation officer for those on licence, the police IOM officer for the rest), adopted, given a
tier, their needs and the services they are referred to, contacted, and removed. Each woman is
referred by the police, probation or liaison and diversion to the women's centre, whose key
worker accepts her, records her contacts with the criminal justice system, needs and services,
and closes the case. Their offence histories come in as partner extracts at the end
(``offence_histories``).

Records kept by the day (tiers, needs, services) are entered at the end of their day, after
that day's moves, or first thing when they close before a case does.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from casebridge.casework.models import Need, ServiceReferral
from casebridge.casework.services import (
    need_record,
    need_update,
    service_end,
    service_refer,
    service_start,
    tier_assign,
)
from casebridge.demo.calendar import AS_OF, LONDON
from casebridge.demo.iom_plan import PlannedMember
from casebridge.demo.offenders import PlannedNeed, PlannedService
from casebridge.demo.offending_plan import plan_offending
from casebridge.demo.organisation import USERS
from casebridge.demo.womens_plan import ROUTE_REASON, PlannedWoman
from casebridge.justice.services import justice_contact_record
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import case_activity_record, case_transition, referral_create
from casebridge.people.services import people_bulk_create

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.demo.history import Replay

SOURCE = "IOM and women's centre referrals"
WOMENS_CENTRE = "nb-womens-centre"
ADOPTION_NOTE = "Proposed at the IOM panel: prolific and violent offending over the past year."
CONTACT_TEXT = {"contact": "Contact made; no concerns.", "home_visit": "Home visit; at home."}


def schedule_offending(replay: "Replay") -> None:
    """Add the IOM cohort's and the women's pathway's casework to ``replay``."""
    plan = plan_offending(replay.seed, replay.scale)
    iom = Pathway.objects.get(code="iom")
    for member in plan.members:
        _schedule_member(replay, iom, member)
    womens = Pathway.objects.get(code="womens-whole-system")
    for woman in plan.women:
        _schedule_woman(replay, womens, woman)


def _end_of(day: date) -> datetime:
    """After the day's moves (made in office hours), and never after the demo's "now"."""
    return min(datetime.combine(day, time(17, 45), tzinfo=LONDON), AS_OF - timedelta(minutes=5))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(8, 30), tzinfo=LONDON)


def _generator(replay: "Replay", username: str) -> "User":
    return replay.org.generators[next(u.agency for u in USERS if u.username == username)]


def _refer(
    replay: "Replay",
    at: datetime,
    cases: list[Case],
    *,
    referrer: str,
    run: Callable[["User", "User"], Case],
) -> None:
    def refer() -> None:
        cases.append(run(replay.user(referrer), _generator(replay, referrer)))

    replay.at(at, refer)


def _move(
    replay: "Replay",
    cases: list[Case],
    actor: "User",
    at: datetime,
    code: str,
    outcome: str,
    reason: str,
) -> None:
    def run() -> None:
        cases[0] = case_transition(
            actor=actor, case=cases[0], transition=code, reason=reason, outcome=outcome, at=at
        )

    replay.at(at, run)


def _schedule_needs(
    replay: "Replay", cases: list[Case], actor: "User", needs: list[PlannedNeed]
) -> None:
    for planned in needs:
        held: list[Need] = []

        def record(planned: PlannedNeed = planned, held: list[Need] = held) -> None:
            held.append(
                need_record(
                    actor=actor,
                    case=cases[0],
                    area=planned.area,
                    identified_on=planned.identified_on,
                    support=planned.support,
                )
            )

        replay.at(_end_of(planned.identified_on), record)
        if planned.outcome_on is not None:
            replay.at(
                _start_of(planned.outcome_on),
                lambda planned=planned, held=held: need_update(
                    actor=actor,
                    need=held[0],
                    support=planned.support,
                    outcome=planned.outcome,
                    outcome_on=planned.outcome_on,
                ),
            )


def _schedule_services(
    replay: "Replay", cases: list[Case], actor: "User", services: list[PlannedService]
) -> None:
    for planned in services:
        held: list[ServiceReferral] = []

        def refer(planned: PlannedService = planned, held: list[ServiceReferral] = held) -> None:
            held.append(
                service_refer(
                    actor=actor,
                    case=cases[0],
                    service=planned.service,
                    referred_on=planned.referred_on,
                )
            )

        def start(planned: PlannedService = planned, held: list[ServiceReferral] = held) -> None:
            assert planned.started_on is not None
            held[0] = service_start(actor=actor, referral=held[0], started_on=planned.started_on)

        def end(planned: PlannedService = planned, held: list[ServiceReferral] = held) -> None:
            assert planned.ended_on is not None
            held[0] = service_end(
                actor=actor,
                referral=held[0],
                ended_on=planned.ended_on,
                completed=planned.completed,
                elements_completed=list(planned.elements),
            )

        replay.at(_end_of(planned.referred_on), refer)
        if planned.started_on is not None:
            replay.at(_end_of(planned.started_on) + timedelta(minutes=5), start)
        if planned.ended_on is not None:
            replay.at(_start_of(planned.ended_on), end)


# --- the IOM cohort ------------------------------------------------------------------------


def _schedule_member(replay: "Replay", iom: Pathway, member: PlannedMember) -> None:
    manager = replay.user(member.manager)
    cases: list[Case] = []

    def propose(referrer: "User", generator: "User") -> Case:
        (subject,) = people_bulk_create(
            actor=generator, people=[member.offender.details], source=SOURCE
        )
        return referral_create(
            actor=referrer,
            pathway=iom,
            subject=subject,
            referral_reason=ADOPTION_NOTE,
            consent=Case.Consent.NOT_ASKED,
            lawful_basis=Case.LawfulBasis.LAW_ENFORCEMENT,
            owner_agency=referrer.agency,
            referred_at=member.proposed_at,
        )

    _refer(replay, member.proposed_at, cases, referrer=member.manager, run=propose)
    for move in member.moves:
        _move(replay, cases, manager, move.at, move.code, move.outcome, move.reason)
    for day, tier in member.tiers:
        replay.at(
            _end_of(day),
            lambda day=day, tier=tier: tier_assign(
                actor=manager,
                case=cases[0],
                tier=tier,
                assigned_on=day,
                reason="Set at adoption." if day == member.adopted_on else "Six-monthly review.",
            ),
        )
    _schedule_needs(replay, cases, manager, member.needs)
    _schedule_services(replay, cases, manager, member.services)
    for at, activity in member.contacts:
        replay.at(
            at,
            lambda at=at, activity=activity: case_activity_record(
                actor=manager,
                case=cases[0],
                activity=activity,
                text=CONTACT_TEXT[activity],
                occurred_at=at,
            ),
        )


# --- the women's whole-system pathway ------------------------------------------------------


def _schedule_woman(replay: "Replay", pathway: Pathway, woman: PlannedWoman) -> None:
    worker = replay.agency_user(WOMENS_CENTRE)
    cases: list[Case] = []

    def refer(referrer: "User", generator: "User") -> Case:
        (subject,) = people_bulk_create(actor=generator, people=[woman.details], source=SOURCE)
        return referral_create(
            actor=referrer,
            pathway=pathway,
            subject=subject,
            referral_reason=ROUTE_REASON[woman.route],
            consent=Case.Consent.GIVEN,
            lawful_basis=Case.LawfulBasis.CONSENT,
            owner_agency=replay.org.agencies[WOMENS_CENTRE],
            referred_at=woman.referred_at,
        )

    _refer(replay, woman.referred_at, cases, referrer=woman.referrer, run=refer)
    for move in woman.moves:
        _move(replay, cases, worker, move.at, move.code, move.outcome, move.reason)
    if woman.accepted_at is None:
        return
    accepted = woman.accepted_at
    for contact in woman.justice:
        # What came before the referral is recorded on acceptance; the rest on its day.
        at = accepted + timedelta(minutes=10)
        if contact.occurred_on > accepted.date():
            at = _end_of(contact.occurred_on)
        replay.at(
            at,
            lambda contact=contact: justice_contact_record(
                actor=worker,
                case=cases[0],
                stage=contact.stage,
                occurred_on=contact.occurred_on,
                outcome=contact.outcome,
                offence_on=contact.offence_on,
                notes=contact.notes,
            ),
        )
    _schedule_needs(replay, cases, worker, woman.needs)
    _schedule_services(replay, cases, worker, woman.services)
    for at, activity, text in woman.activities:
        replay.at(
            at,
            lambda at=at, activity=activity, text=text: case_activity_record(
                actor=worker, case=cases[0], activity=activity, text=text, occurred_at=at
            ),
        )
