"""A snapshot of the operational tables for the figures: Parquet files the columnar engine reads.

Only what indicators count goes in: ids, codes, dates and small numbers, never a name, an
address or free text. Dates are London calendar days, so a referral at 00:30 on 1 April (BST)
falls in Q1 however the database stores it. State histories (which state each case was in, and
when) are derived from the timeline by the columnar engine, not in Python; so are each
person's first proven offence and when each case's support began (``DERIVED_TABLES``).

A person may have several records until identity resolution merges them: every person id here
is the surviving record, so one person's events and cases count as one person's.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from casebridge.assessments.models import Assessment
from casebridge.casework.models import Need, ServiceReferral, TierAssignment
from casebridge.imports.models import PartnerEvent
from casebridge.incidents.models import Incident
from casebridge.justice.events import (
    JusticeEvent,
    contact_events,
    event_definitions,
    incident_events,
    partner_event_events,
)
from casebridge.justice.models import JusticeContact
from casebridge.pathways.models import Case, CaseEvent, DisclosureRequest, MaracReferral, Pathway
from casebridge.people.models import Person
from casebridge.people.selectors import merge_links, surviving_record
from casebridge.refuges.models import Stay

BATCH_ROWS = 100_000
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Snapshot:
    directory: Path
    taken_at: datetime
    rows: dict[str, int]

    def path(self, table: str) -> Path:
        return self.directory / f"{table}.parquet"


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


@dataclass(frozen=True)
class TableSpec:
    schema: pa.Schema
    rows: Iterable[tuple[Any, ...]]


def _values(queryset: QuerySet, *fields: str) -> Iterator[tuple[Any, ...]]:
    return queryset.values_list(*fields).order_by().iterator(chunk_size=10_000)


class _Survivors:
    """Each person's surviving record, with its date of birth and sex, from one look-up of the
    merged records (few) rather than one per row: a record never merged is its own survivor."""

    def __init__(self) -> None:
        merged = Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True)
        self.links = merge_links(person_ids=merged)
        survivors = {surviving_record(self.links, pk) for pk in self.links}
        self.details = {
            pk: (born, sex)
            for pk, born, sex in Person.objects.filter(pk__in=survivors).values_list(
                "pk", "date_of_birth", "sex"
            )
        }

    def id(self, person_id: UUID | None) -> str | None:
        return str(surviving_record(self.links, person_id)) if person_id else None

    def born_and_sex(self, person_id: UUID, born: date | None, sex: str) -> tuple[date | None, str]:
        """The survivor's date of birth and sex, given the (joined) record's own."""
        return self.details.get(surviving_record(self.links, person_id), (born, sex))


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _cases() -> TableSpec:
    survivors = _Survivors()
    rows = (
        (
            str(pk),
            pathway,
            _day(referred),
            referring,
            owner,
            state,
            outcome,
            str(subject),
            survivors.id(subject),
        )
        for pk, pathway, referred, referring, owner, state, outcome, subject in _values(
            Case.objects.all(),
            "pk",
            "pathway__code",
            "referred_at",
            "referring_agency__kind",
            "owner_agency__kind",
            "state",
            "outcome",
            "subject_id",
        )
    )
    schema = pa.schema(
        [
            ("case_id", pa.string()),
            ("pathway", pa.string()),
            ("referred_on", pa.date32()),
            ("referring_agency_kind", pa.string()),
            ("owner_agency_kind", pa.string()),
            ("state", pa.string()),
            ("outcome", pa.string()),
            ("subject_id", pa.string()),
            ("person_id", pa.string()),  # the subject's surviving record
        ]
    )
    return TableSpec(schema, rows)


def _case_events() -> TableSpec:
    rows = (
        (str(case), pathway, kind, from_state, to_state, outcome, occurred, _day(occurred))
        for case, pathway, kind, from_state, to_state, outcome, occurred in _values(
            CaseEvent.objects.filter(kind__in=[CaseEvent.Kind.REFERRED, CaseEvent.Kind.TRANSITION]),
            "case_id",
            "case__pathway__code",
            "kind",
            "from_state",
            "to_state",
            "outcome",
            "occurred_at",
        )
    )
    schema = pa.schema(
        [
            ("case_id", pa.string()),
            ("pathway", pa.string()),
            ("kind", pa.string()),
            ("from_state", pa.string()),
            ("to_state", pa.string()),
            ("outcome", pa.string()),
            ("occurred_at", pa.timestamp("us", tz="UTC")),
            ("occurred_on", pa.date32()),
        ]
    )
    return TableSpec(schema, rows)


def _marac_referrals() -> TableSpec:
    repeats = set(
        Case.objects.filter(criteria__code="repeat").values_list("pk", flat=True).order_by()
    )
    rows = (
        (str(case), _day(referred), case in repeats, *rest)
        for case, referred, *rest in _values(
            MaracReferral.objects.all(),
            "case_id",
            "case__referred_at",
            "children_in_household",
            "relationship",
            "victim_sex",
            "victim_age",
            "case__referring_agency__kind",
            "mental_health_need",
            "alcohol_need",
            "drugs_need",
        )
    )
    schema = pa.schema(
        [
            ("case_id", pa.string()),
            ("referred_on", pa.date32()),
            ("is_repeat", pa.bool_()),
            ("children_in_household", pa.int32()),
            ("relationship", pa.string()),
            ("victim_sex", pa.string()),
            ("victim_age", pa.int32()),
            ("referring_agency_kind", pa.string()),
            ("mental_health_need", pa.bool_()),
            ("alcohol_need", pa.bool_()),
            ("drugs_need", pa.bool_()),
        ]
    )
    return TableSpec(schema, rows)


def _incidents() -> TableSpec:
    rows = (
        (str(pk), category, domestic, _day(occurred), agency, outcome, outcome_on)
        for pk, category, domestic, occurred, agency, outcome, outcome_on in _values(
            Incident.objects.all(),
            "pk",
            "category",
            "domestic_abuse",
            "occurred_at",
            "reporting_agency__kind",
            "outcome",
            "outcome_on",
        )
    )
    schema = pa.schema(
        [
            ("incident_id", pa.string()),
            ("category", pa.string()),
            ("domestic_abuse", pa.bool_()),
            ("occurred_on", pa.date32()),
            ("reporting_agency_kind", pa.string()),
            ("outcome", pa.string()),  # "" until the reporting agency records one
            ("outcome_on", pa.date32()),
        ]
    )
    return TableSpec(schema, rows)


def _disclosure_requests() -> TableSpec:
    rows = _values(
        DisclosureRequest.objects.annotate(request_id=F("pk")),
        "request_id",
        "route",
        "requested_on",
        "decision",
        "decided_on",
    )
    schema = pa.schema(
        [
            ("request_id", pa.int64()),
            ("route", pa.string()),
            ("requested_on", pa.date32()),
            ("decision", pa.string()),
            ("decided_on", pa.date32()),
        ]
    )
    return TableSpec(schema, rows)


def _assessments() -> TableSpec:
    rows = (
        (str(pk), instrument, _day(assessed), band, agency, stage, score)
        for pk, instrument, assessed, band, agency, stage, score in _values(
            Assessment.objects.all(),
            "pk",
            "instrument_code",
            "assessed_at",
            "final_band",
            "assessing_agency__kind",
            "stage",
            "score",
        )
    )
    schema = pa.schema(
        [
            ("assessment_id", pa.string()),
            ("instrument", pa.string()),
            ("assessed_on", pa.date32()),
            ("final_band", pa.string()),
            ("assessing_agency_kind", pa.string()),
            ("stage", pa.string()),
            ("score", pa.int32()),
        ]
    )
    return TableSpec(schema, rows)


def _refuge_stays() -> TableSpec:
    rows = (
        (str(pk), str(refuge), arrived, departed, children, beds)
        for pk, refuge, arrived, departed, children, beds in _values(
            Stay.objects.annotate(children_count=Count("stay_children")),
            "pk",
            "refuge_id",
            "arrived_on",
            "departed_on",
            "children_count",
            "refuge__bed_spaces",
        )
    )
    schema = pa.schema(
        [
            ("stay_id", pa.string()),
            ("refuge_id", pa.string()),
            ("arrived_on", pa.date32()),
            ("departed_on", pa.date32()),
            ("children", pa.int32()),
            ("bed_spaces", pa.int32()),
        ]
    )
    return TableSpec(schema, rows)


def _justice_event_sources() -> Iterator[tuple[JusticeEvent, date | None, str]]:
    """Every justice event, with its (joined) person's date of birth and sex."""
    formats = {rule.format for rule in event_definitions().rules["partner_events"]}
    partner = _values(
        PartnerEvent.objects.filter(kind__in=formats, person__isnull=False),
        "pk",
        "kind",
        "occurred_on",
        "person_id",
        "details",
        "person__date_of_birth",
        "person__sex",
    )
    for pk, kind, occurred_on, person, details, born, sex in partner:
        for event in partner_event_events(
            pk=pk, kind=kind, occurred_on=occurred_on, person_id=person, details=details
        ):
            yield event, born, sex
    incidents = _values(
        Incident.objects.filter(suspect__isnull=False),
        "pk",
        "suspect_id",
        "category",
        "domestic_abuse",
        "occurred_at",
        "outcome",
        "outcome_on",
        "suspect__date_of_birth",
        "suspect__sex",
    )
    for pk, suspect, category, domestic, occurred_at, outcome, outcome_on, born, sex in incidents:
        for event in incident_events(
            pk=pk,
            suspect_id=suspect,
            category=category,
            domestic_abuse=domestic,
            occurred_at=occurred_at,
            outcome=outcome,
            outcome_on=outcome_on,
        ):
            yield event, born, sex
    contacts = _values(
        JusticeContact.objects.all(),
        "pk",
        "case__subject_id",
        "stage",
        "outcome",
        "occurred_on",
        "offence_on",
        "case__subject__date_of_birth",
        "case__subject__sex",
    )
    for pk, subject, stage, outcome, occurred_on, offence_on, born, sex in contacts:
        for event in contact_events(
            pk=pk,
            subject_id=subject,
            stage=stage,
            outcome=outcome,
            occurred_on=occurred_on,
            offence_on=offence_on,
        ):
            yield event, born, sex


def _justice_events() -> TableSpec:
    survivors = _Survivors()
    kinds = event_definitions().kinds

    def row(event: JusticeEvent, born: date | None, sex: str) -> tuple[Any, ...]:
        born, sex = survivors.born_and_sex(event.person_id, born, sex)
        kind = kinds[event.kind]
        return (
            event.event_id,
            survivors.id(event.person_id),
            event.kind,
            event.source,
            event.detail,
            event.offence_on,
            event.occurred_on,
            _age(born, event.occurred_on),
            sex,
            kind.proven,
            kind.index,
        )

    schema = pa.schema(
        [
            ("event_id", pa.string()),
            ("person_id", pa.string()),
            ("kind", pa.string()),
            ("source", pa.string()),  # partner_event, incident or justice_contact
            ("detail", pa.string()),  # the sentence, disposal or outcome code, or ""
            ("offence_on", pa.date32()),
            ("occurred_on", pa.date32()),
            ("age", pa.int32()),  # whole years on occurred_on
            ("sex", pa.string()),
            ("is_proven", pa.bool_()),
            ("is_index", pa.bool_()),
        ]
    )
    return TableSpec(schema, (row(*source) for source in _justice_event_sources()))


def _states(*, terminal: bool) -> Q:
    """Case events into (not) terminal states, pathway by pathway (there are few)."""
    condition = Q(pk__in=[])
    for pk, definition in Pathway.objects.values_list("pk", "definition"):
        codes = [s["code"] for s in definition["states"] if bool(s.get("terminal")) == terminal]
        condition |= Q(case__pathway_id=pk, to_state__in=codes)
    return condition


def _case_tiers() -> TableSpec:
    ended = {
        case: _day(first)
        for case, first in CaseEvent.objects.filter(_states(terminal=True))
        .values_list("case_id")
        .annotate(first=Min("occurred_at"))
        .order_by()
    }
    assignments = (
        TierAssignment.objects.values_list("case_id", "case__pathway__code", "tier", "assigned_on")
        .order_by("case_id", "assigned_on", "pk")
        .iterator(chunk_size=10_000)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for case, tiers in groupby(assignments, key=lambda a: a[0]):
            listed = list(tiers)
            for (_, pathway, tier, entered), following in zip(
                listed, [*listed[1:], None], strict=True
            ):
                ends = [d for d in (following and following[3], ended.get(case)) if d]
                # An assignment recorded after the case closed lasted no time at all.
                left = max(min(ends), entered) if ends else None
                yield str(case), pathway, tier, entered, left

    schema = pa.schema(
        [
            ("case_id", pa.string()),
            ("pathway", pa.string()),
            ("tier", pa.string()),
            ("entered_on", pa.date32()),
            ("left_on", pa.date32()),  # None while it is the case's tier
        ]
    )
    return TableSpec(schema, rows())


def _case_needs() -> TableSpec:
    survivors = _Survivors()
    rows = (
        (str(pk), str(case), pathway, survivors.id(subject), area, identified, outcome, on)
        for pk, case, pathway, subject, area, identified, outcome, on in _values(
            Need.objects.all(),
            "pk",
            "case_id",
            "case__pathway__code",
            "case__subject_id",
            "area",
            "identified_on",
            "outcome",
            "outcome_on",
        )
    )
    schema = pa.schema(
        [
            ("need_id", pa.string()),
            ("case_id", pa.string()),
            ("pathway", pa.string()),
            ("person_id", pa.string()),
            ("area", pa.string()),
            ("identified_on", pa.date32()),
            ("outcome", pa.string()),  # "" until one is recorded
            ("outcome_on", pa.date32()),
        ]
    )
    return TableSpec(schema, rows)


REFERRAL_FIELDS = (
    "pk",
    "case_id",
    "case__pathway__code",
    "case__subject_id",
    "service",
    "referred_on",
    "started_on",
    "ended_on",
    "completed",
)


def _service_referrals() -> TableSpec:
    survivors = _Survivors()
    rows = (
        (str(pk), str(case), pathway, survivors.id(subject), *rest)
        for pk, case, pathway, subject, *rest in _values(
            ServiceReferral.objects.all(), *REFERRAL_FIELDS
        )
    )
    schema = pa.schema(
        [
            ("referral_id", pa.string()),
            ("case_id", pa.string()),
            ("pathway", pa.string()),
            ("person_id", pa.string()),
            ("service", pa.string()),
            ("referred_on", pa.date32()),
            ("started_on", pa.date32()),
            ("ended_on", pa.date32()),
            ("completed", pa.bool_()),
        ]
    )
    return TableSpec(schema, rows)


def _service_elements() -> TableSpec:
    survivors = _Survivors()
    rows = (
        (str(pk), str(case), pathway, survivors.id(subject), service, element, ended)
        for pk, case, pathway, subject, service, ended, elements in _values(
            ServiceReferral.objects.all(),
            "pk",
            "case_id",
            "case__pathway__code",
            "case__subject_id",
            "service",
            "ended_on",
            "elements_completed",
        )
        for element in elements or ()
    )
    schema = pa.schema(
        [
            ("referral_id", pa.string()),
            ("case_id", pa.string()),
            ("pathway", pa.string()),
            ("person_id", pa.string()),
            ("service", pa.string()),
            ("element", pa.string()),
            ("ended_on", pa.date32()),  # the referral's
        ]
    )
    return TableSpec(schema, rows)


TABLES = {
    "cases": _cases,
    "case_events": _case_events,
    "marac_referrals": _marac_referrals,
    "incidents": _incidents,
    "disclosure_requests": _disclosure_requests,
    "assessments": _assessments,
    "refuge_stays": _refuge_stays,
    "justice_events": _justice_events,
    "case_tiers": _case_tiers,
    "case_needs": _case_needs,
    "service_referrals": _service_referrals,
    "service_elements": _service_elements,
}
DERIVED_TABLES = ("case_states", "first_proven_offences", "case_starts")

# Which state each case was in, from when to when (left_on is None while it is still there).
CASE_STATES_SQL = """
COPY (
    SELECT case_id, pathway, to_state AS state, occurred_on AS entered_on,
           LEAD(occurred_on) OVER (
               PARTITION BY case_id ORDER BY occurred_at, kind
           ) AS left_on
    FROM read_parquet(?)
    WHERE to_state <> ''
) TO '{target}' (FORMAT parquet)
"""

# Each person's earliest proven offence (a conviction or caution): a first-time entrant's.
FIRST_PROVEN_OFFENCES_SQL = """
COPY (
    SELECT person_id, event_id, kind, occurred_on, offence_on, age, sex
    FROM read_parquet(?)
    WHERE is_proven
    QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY occurred_on, event_id) = 1
) TO '{target}' (FORMAT parquet)
"""

# When each case's support (or cohort membership) began: its first entry into a state neither
# initial nor terminal; and the person's earliest justice event in the 365 days up to and
# including that day (started_on - 364 to started_on), for "how soon after arrest" figures.
CASE_STARTS_SQL = """
COPY (
    WITH starts AS (
        SELECT e.case_id, min(e.occurred_on) AS started_on
        FROM read_parquet(?) e
        JOIN support_states s ON s.pathway = e.pathway AND s.state = e.to_state
        GROUP BY e.case_id
    ), windowed AS (
        SELECT s.case_id, c.pathway, c.person_id, s.started_on, min(j.occurred_on) AS first_on
        FROM starts s
        JOIN read_parquet(?) c ON c.case_id = s.case_id
        LEFT JOIN read_parquet(?) j ON j.person_id = c.person_id
            AND j.occurred_on BETWEEN s.started_on - 364 AND s.started_on
        GROUP BY s.case_id, c.pathway, c.person_id, s.started_on
    )
    SELECT case_id, pathway, person_id, started_on, first_on AS first_justice_on,
           CAST(started_on - first_on AS INTEGER) AS days_from_justice
    FROM windowed
) TO '{target}' (FORMAT parquet)
"""


def _support_states() -> pa.Table:
    pairs = [
        (code, state["code"])
        for code, definition in Pathway.objects.values_list("code", "definition")
        for state in definition["states"]
        if state["code"] != definition["initial_state"] and not state.get("terminal")
    ]
    return pa.table(
        {"pathway": [p for p, _ in pairs], "state": [s for _, s in pairs]},
        schema=pa.schema([("pathway", pa.string()), ("state", pa.string())]),
    )


def _derive(directory: Path) -> dict[str, int]:
    """Write the derived tables from those written already, and count their rows."""
    sources = {
        "case_states": (CASE_STATES_SQL, ["case_events"]),
        "first_proven_offences": (FIRST_PROVEN_OFFENCES_SQL, ["justice_events"]),
        "case_starts": (CASE_STARTS_SQL, ["case_events", "cases", "justice_events"]),
    }
    rows = {}
    with duckdb.connect() as connection:
        connection.register("support_states", _support_states())
        for table in DERIVED_TABLES:
            sql, inputs = sources[table]
            target = directory / f"{table}.parquet"
            connection.execute(
                sql.format(target=str(target).replace("'", "''")),
                [str(directory / f"{name}.parquet") for name in inputs],
            )
            (rows[table],) = connection.execute(
                "SELECT count(*) FROM read_parquet(?)", [str(target)]
            ).fetchone() or (0,)
    return rows


def _write(path: Path, spec: TableSpec) -> int:
    written = 0
    with pq.ParquetWriter(path, spec.schema) as writer:
        batch: list[tuple[Any, ...]] = []
        for row in spec.rows:
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                writer.write_batch(_batch(batch, spec.schema))
                written += len(batch)
                batch = []
        if batch or not written:
            writer.write_batch(_batch(batch, spec.schema))
            written += len(batch)
    return written


def _batch(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.RecordBatch:
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.record_batch(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema
    )


def take_snapshot(*, directory: Path) -> Snapshot:
    """Write every table the indicators read into ``directory`` and say when and how many."""
    directory.mkdir(parents=True, exist_ok=True)
    taken_at = timezone.now()
    rows = {name: _write(directory / f"{name}.parquet", make()) for name, make in TABLES.items()}
    rows |= _derive(directory)
    (directory / MANIFEST).write_text(
        json.dumps({"taken_at": taken_at.isoformat(), "rows": rows}, indent=2)
    )
    return Snapshot(directory, taken_at, rows)


def open_snapshot(directory: Path) -> Snapshot:
    manifest = json.loads((directory / MANIFEST).read_text())
    return Snapshot(directory, datetime.fromisoformat(manifest["taken_at"]), manifest["rows"])
