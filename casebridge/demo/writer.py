"""Writing a plan through the domain services, exactly as the partnership's users would."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from casebridge.access.services import entitlement_grant
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.demo.marac import PlannedReferral
from casebridge.demo.organisation import coordinator
from casebridge.demo.plan import Plan
from casebridge.demo.setup import Organisation, create_organisation
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.pathways.services import case_transition, referral_create
from casebridge.people.models import Person
from casebridge.people.services import address_add, people_bulk_create, relationship_add

SOURCE = "the Northbridge demo borough generator"
REFERRALS_PER_TRANSACTION = 100  # one commit per hundred cases, not one per service call
SEAL_REASON = "The victim works for a partner agency: case sealed to named staff"

Progress = Callable[[str], None]


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def lap(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[name] = now - started
        return now


def write_plan(plan: Plan, progress: Progress) -> Timings:
    timings, started = Timings(), time.perf_counter()
    org = create_organisation(plan.seed)
    started = timings.lap("organisation", started)
    case_people = _write_case_people(plan, org)
    started = timings.lap("case people", started)
    _write_residents(plan, org, progress)
    started = timings.lap("residents", started)
    _write_referrals(plan, org, case_people, progress)
    started = timings.lap("referrals", started)
    _analyze()
    timings.lap("analyze", started)
    return timings


def _analyze() -> None:
    """Refresh the planner's statistics: after a bulk load they describe empty tables, and
    PostgreSQL then scans 500,000 names to fetch fifty."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _source(plan: Plan) -> str:
    return f"{SOURCE} (seed {plan.seed}, size {plan.size.name})"


def _write_case_people(plan: Plan, org: Organisation) -> list[Person]:
    people: list[Person | None] = [None] * len(plan.case_people)
    for agency, batch in plan.case_people_batches():
        created = people_bulk_create(
            actor=org.generators[agency],
            people=[planned.details for planned in batch],
            source=_source(plan),
        )
        for planned, person in zip(batch, created, strict=True):
            people[planned.key] = person
    assert all(person is not None for person in people)
    return people  # type: ignore[return-value]


def _write_residents(plan: Plan, org: Organisation, progress: Progress) -> None:
    written, total, reported = 0, plan.resident_count, time.perf_counter()
    for agency, batch in plan.residents():
        people_bulk_create(actor=org.generators[agency], people=batch, source=_source(plan))
        written += len(batch)
        if time.perf_counter() - reported > 10:
            progress(f"  residents: {written:,} of {total:,}")
            reported = time.perf_counter()


def _write_referrals(
    plan: Plan, org: Organisation, people: list[Person], progress: Progress
) -> None:
    marac = Pathway.objects.get(code="da-marac")
    chair = org.users[coordinator().username]
    referrals = plan.referrals
    for start in range(0, len(referrals), REFERRALS_PER_TRANSACTION):
        with transaction.atomic():
            for planned in referrals[start : start + REFERRALS_PER_TRANSACTION]:
                _write_referral(planned, marac, org.users[planned.referrer], chair, people)
        if start and start % 500 == 0:
            progress(f"  referrals: {start:,} of {len(referrals):,}")


def _write_referral(
    planned: PlannedReferral, marac: Pathway, referrer: User, chair: User, people: list[Person]
) -> Case:
    for rel in planned.relationships:
        relationship_add(
            actor=referrer,
            person=people[rel.person],
            related_person=people[rel.related],
            kind=rel.kind,
            valid_from=rel.valid_from,
        )
    others = [(people[planned.perpetrator], CasePerson.Role.PERPETRATOR)]
    others += [(people[key], CasePerson.Role.CHILD) for key in planned.children]
    others += [(people[key], CasePerson.Role.OTHER) for key in planned.others]
    case = referral_create(
        actor=referrer,
        pathway=marac,
        subject=people[planned.victim],
        referral_reason=planned.reason,
        consent=planned.consent,
        lawful_basis=planned.lawful_basis,
        other_people=others,
        referred_at=planned.referred_at,
    )
    for step in planned.transitions:
        case = case_transition(
            actor=chair, case=case, transition=step.code, reason=step.reason, at=step.at
        )
    if planned.refuge is not None:
        address_add(actor=referrer, person=people[planned.victim], address=planned.refuge)
    if planned.restricted:
        _seal(case, chair=chair, referrer=referrer)
    return case


def _seal(case: Case, *, chair: User, referrer: User) -> None:
    """Seal a case to the coordinator and the referrer (there is no sealing service yet)."""
    for user in (chair, referrer):
        entitlement_grant(actor=chair, user=user, case=case, reason=SEAL_REASON)
    Case.objects.filter(pk=case.pk).update(is_restricted=True)
    audit_record(
        actor=chair,
        action="change",
        object_type="case",
        object_id=case.pk,
        summary=f"Sealed {case.reference}",
        changes={"is_restricted": [False, True]},
        reason=SEAL_REASON,
    )
