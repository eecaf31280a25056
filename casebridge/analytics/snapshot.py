"""A snapshot of the operational tables for the figures: Parquet files the columnar engine reads.

Only what indicators count goes in: ids, codes, dates and small numbers, never a name, an
address or free text. Dates are London calendar days, so a referral at 00:30 on 1 April (BST)
falls in Q1 however the database stores it. State histories (which state each case was in, and
when) are derived from the timeline by the columnar engine, not in Python; so are each
person's first proven offence and when each case's support began. The tables themselves, and
those derived, are built in ``casebridge.analytics.tables``.

A person may have several records until identity resolution merges them: every person id here
is the surviving record, so one person's events and cases count as one person's.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils import timezone

from casebridge.analytics.tables import TABLES
from casebridge.analytics.tables.common import TableSpec
from casebridge.analytics.tables.derived import derive

BATCH_ROWS = 100_000
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Snapshot:
    """A stored snapshot, known by its directory and the time it was taken: it never changes
    once written, so what is computed from it may be kept by it (a key of ``lru_cache``), and a
    snapshot taken again is another."""

    directory: Path
    taken_at: datetime
    rows: dict[str, int] = field(compare=False)

    def path(self, table: str) -> Path:
        return self.directory / f"{table}.parquet"


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
    rows |= derive(directory)
    (directory / MANIFEST).write_text(
        json.dumps({"taken_at": taken_at.isoformat(), "rows": rows}, indent=2)
    )
    return Snapshot(directory, taken_at, rows)


def open_snapshot(directory: Path) -> Snapshot:
    manifest = json.loads((directory / MANIFEST).read_text())
    return Snapshot(directory, datetime.fromisoformat(manifest["taken_at"]), manifest["rows"])
