"""Hand-built records with known answers, and a snapshot of them for the engine."""

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
from django.db import transaction

from casebridge.agencies.models import Agency
from casebridge.analytics.engine import Engine
from casebridge.analytics.snapshot import Snapshot, take_snapshot
from casebridge.imports.models import PartnerEvent
from casebridge.pathways.models import Case, CaseEvent, MaracReferral, Pathway, ReferralCriterion
from casebridge.people.models import Person
from tests.factories import AgencyFactory, CaseFactory, PersonFactory

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def marac_referral(
    referred_at: datetime,
    *,
    repeat: bool = False,
    children: int = 0,
    relationship="partner",
    referrer: Agency | None = None,
) -> Case:
    """A MARAC referral; ``referrer`` is the referring (and owning) agency, a new police force
    by default."""
    agency = {"owner_agency": referrer} if referrer is not None else {}
    case = CaseFactory(referred_at=referred_at, subject=PersonFactory(), **agency)
    CaseEvent.objects.create(
        case=case, occurred_at=referred_at, kind=CaseEvent.Kind.REFERRED, to_state="referred"
    )
    MaracReferral.objects.create(
        case=case,
        relationship=relationship,
        victim_aware=True,
        children_in_household=children,
        victim_sex="female",
        victim_ethnicity="white",
        victim_disability="no",
        victim_sexual_orientation="heterosexual",
        victim_age=30,
    )
    if repeat:
        ReferralCriterion.objects.create(case=case, code="repeat", label="Repeat", evidence="")
    return case


def pathway_case(
    code: str, referred_at: datetime, *moves: tuple[str, datetime], referrer: Agency | None = None
) -> Case:
    """A case in ``code`` moved through states (to_state, when), as its timeline records."""
    pathway = Pathway.objects.get(code=code)
    agency = {"owner_agency": referrer} if referrer is not None else {}
    case = CaseFactory(
        pathway=pathway, referred_at=referred_at, state=pathway.initial_state, **agency
    )
    CaseEvent.objects.create(
        case=case, occurred_at=referred_at, kind=CaseEvent.Kind.REFERRED, to_state=case.state
    )
    for state, when in moves:
        CaseEvent.objects.create(
            case=case, occurred_at=when, kind=CaseEvent.Kind.TRANSITION, to_state=state
        )
    return case


def engine_for(directory: Path) -> Engine:
    return Engine(snapshot=take_snapshot(directory=directory))


def snapshot_of(write_records: Callable[[], object], directory: Path) -> Snapshot:
    """A snapshot of the records ``write_records`` writes, taken at once, the records then
    rolled back: for the tests of a module that only read the snapshot (its figures, a report
    of them) to share one, each through ``stored_engine`` so that every measure is queried
    once between them (a report over a snapshot costs tens of seconds of queries). Called
    from a fixture that may use the database (``django_db_blocker.unblock()``)."""
    with transaction.atomic():
        write_records()
        snapshot = take_snapshot(directory=directory)
        transaction.set_rollback(True)
    return snapshot


def day(year: int, month: int, dd: int) -> date:
    return date(year, month, dd)


def court_outcome(
    person: Person, outcome_on: date, *, sentence: str = "custody", offence_on: date | None = None
) -> PartnerEvent:
    """A conviction (with ``sentence``) from the police's court results extract."""
    return PartnerEvent.objects.create(
        kind="court-outcomes",
        supplied_by=AgencyFactory(),
        reference=f"CR{PartnerEvent.objects.count() + 1}",
        occurred_on=outcome_on,
        person=person,
        details={
            "case_reference": "01YY0001/1",
            "offence_on": (offence_on or outcome_on).isoformat(),
            "outcome_on": outcome_on.isoformat(),
            "court": "magistrates",
            "verdict": "convicted",
            "sentence": sentence,
        },
    )


def table(directory: Path, name: str) -> list[dict[str, Any]]:
    """A snapshot table's rows, in the snapshot's order."""
    return pq.read_table(directory / f"{name}.parquet").to_pylist()
