"""A snapshot written straight from rows, for the measures over people: justice events, cases and
their states, needs and services, in the snapshot's table contract. Tests state only the columns
they rely on; the others take plain defaults."""

import itertools
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from casebridge.analytics.engine import Engine
from casebridge.analytics.registry import Indicator
from casebridge.analytics.snapshot import MANIFEST, Snapshot
from casebridge.analytics.tables.cases import CASE_EVENTS, CASES
from casebridge.analytics.tables.casework import (
    CASE_NEEDS,
    CASE_TIERS,
    SERVICE_ELEMENTS,
    SERVICE_REFERRALS,
)
from casebridge.analytics.tables.justice import JUSTICE_EVENTS

TEXT, DAY, WHOLE, FLAG = pa.string(), pa.date32(), pa.int32(), pa.bool_()
# The tables the snapshot writes have its schemas; the derived ones (which DuckDB writes from
# its SQL) are spelt out.
BUILT = {
    "justice_events": JUSTICE_EVENTS,
    "cases": CASES,
    "case_events": CASE_EVENTS,
    "case_tiers": CASE_TIERS,
    "case_needs": CASE_NEEDS,
    "service_referrals": SERVICE_REFERRALS,
    "service_elements": SERVICE_ELEMENTS,
}
SCHEMAS = {
    **{name: {field.name: field.type for field in schema} for name, schema in BUILT.items()},
    "first_proven_offences": {
        "person_id": TEXT,
        "event_id": TEXT,
        "kind": TEXT,
        "occurred_on": DAY,
        "offence_on": DAY,
        "age": WHOLE,
        "sex": TEXT,
    },
    "case_states": {
        "case_id": TEXT,
        "pathway": TEXT,
        "state": TEXT,
        "entered_on": DAY,
        "left_on": DAY,
    },
    "case_starts": {
        "case_id": TEXT,
        "pathway": TEXT,
        "person_id": TEXT,
        "started_on": DAY,
        "first_justice_on": DAY,
        "days_from_justice": WHOLE,
    },
}
# What a justice event is unless a test says otherwise: an adult man's caution.
KINDS = {
    "caution": (True, True),
    "conviction_non_custodial": (True, True),
    "conviction_custody": (True, False),
    "custody_release": (False, True),
}
_ids = itertools.count(1)


def event(person: str, kind: str, on: date, *, offence_on: date | None = None, **more: Any) -> dict:
    """A justice event; proven and index as the kind is (see events.yaml)."""
    proven, index = KINDS.get(kind, (False, False))
    row = {
        "event_id": f"e{next(_ids)}",
        "person_id": person,
        "kind": kind,
        "occurred_on": on,
        "offence_on": offence_on if offence_on is not None or not proven else on,
        "age": 30,
        "sex": "male",
        "is_proven": proven,
        "is_index": index,
    }
    return row | more


def engine_of(directory: Path, **tables: list[dict[str, Any]]) -> Engine:
    """An engine over a snapshot holding exactly these rows (every other table empty)."""
    rows = {}
    for name, columns in SCHEMAS.items():
        given = tables.get(name, [])
        schema = pa.schema(list(columns.items()))
        arrays = [
            pa.array([row.get(column, _blank(kind)) for row in given], type=kind)
            for column, kind in columns.items()
        ]
        pq.write_table(pa.table(arrays, schema=schema), directory / f"{name}.parquet")
        rows[name] = len(given)
    taken_at = datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))
    (directory / MANIFEST).write_text(json.dumps({"taken_at": taken_at.isoformat(), "rows": rows}))
    return Engine(snapshot=Snapshot(directory, taken_at, rows))


def _blank(kind: pa.DataType) -> Any:
    return "" if kind == TEXT else False if kind == FLAG else None


def indicator(
    unit: str, numerator: dict, denominator: dict | None = None, **more: Any
) -> Indicator:
    return Indicator(
        id="under-test",
        section="Tests",
        title="Under test",
        definition="An indicator under test.",
        unit=unit,
        numerator=numerator,
        denominator=denominator,
        per=more.get("per"),
        breakdowns=tuple(more.get("breakdowns", ())),
    )
