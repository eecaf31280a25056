"""A snapshot of the operational tables for the figures: Parquet files the columnar engine reads.

Only what indicators count goes in: ids, codes, dates and small numbers, never a name, an
address or free text. Dates are London calendar days, so a referral at 00:30 on 1 April (BST)
falls in Q1 however the database stores it. State histories (which state each case was in, and
when) are derived from the timeline by the columnar engine, not in Python.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from casebridge.assessments.models import Assessment
from casebridge.incidents.models import Incident
from casebridge.pathways.models import Case, CaseEvent, DisclosureRequest, MaracReferral
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


def _cases() -> TableSpec:
    rows = (
        (str(pk), pathway, _day(referred), referring, owner, state, outcome, str(subject))
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


TABLES = {
    "cases": _cases,
    "case_events": _case_events,
    "marac_referrals": _marac_referrals,
    "incidents": _incidents,
    "disclosure_requests": _disclosure_requests,
    "assessments": _assessments,
    "refuge_stays": _refuge_stays,
}

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
    states = directory / "case_states.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            CASE_STATES_SQL.format(target=str(states).replace("'", "''")),
            [str(directory / "case_events.parquet")],
        )
        (rows["case_states"],) = connection.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(states)]
        ).fetchone() or (0,)
    (directory / MANIFEST).write_text(
        json.dumps({"taken_at": taken_at.isoformat(), "rows": rows}, indent=2)
    )
    return Snapshot(directory, taken_at, rows)


def open_snapshot(directory: Path) -> Snapshot:
    manifest = json.loads((directory / MANIFEST).read_text())
    return Snapshot(directory, datetime.fromisoformat(manifest["taken_at"]), manifest["rows"])
