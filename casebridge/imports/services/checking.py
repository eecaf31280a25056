"""Reading and checking every row of a batch's file, within the budget of an import.

The file is checked a chunk at a time, and each chunk's valid rows, new or updating a row
loaded before, are handed to the load as they are checked (one pass: the load of one chunk
overlaps the check of the next). What the check writes as it goes, its progress and each
chunk's rejected rows, is written beside the load's transaction where the database allows it
(``core/beside.py``), so that the batch page shows the progress and the rejected rows are kept
whatever the load does. Carried from chunk to chunk: the references seen, and the lines that
update a row loaded before.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from casebridge.core.beside import Beside
from casebridge.core.lookups import AnyOf
from casebridge.imports.formats import ExtractFormat
from casebridge.imports.models import ImportBatch, LoadedRow, RejectedRow
from casebridge.imports.reading import Budget, FileError, Row, header_name
from casebridge.imports.validation import CheckedRow, Value, check_chunk, jsonable
from casebridge.incidents.models import Incident

# Rows checked, compared with earlier loads and loaded together: what an import holds at once.
CHUNK = 2_000
# Spreadsheets often carry blank columns after the last one used; past this many, the file is
# not an extract of the format.
BLANK_COLUMNS = 100
# How many of a header's unknown columns the error names.
NAMED_UNKNOWN = 10
# (line, the row's cells as sent, every reason)
Rejection = tuple[int, dict[str, str], list[str]]
# What earlier batches loaded under a chunk's references (by reference: its digests, batch and
# line), and the references recorded in Casebridge otherwise than by an import.
Earlier = tuple[dict[str, Any], set[str]]


def import_budget(extract: ExtractFormat) -> Budget:
    """What an import of ``extract`` may read and how long it may take, its clock starting now."""
    return Budget(
        max_rows=settings.CASEBRIDGE_IMPORT_MAX_ROWS,
        max_columns=len(extract.columns) + BLANK_COLUMNS,
        max_bytes=settings.CASEBRIDGE_IMPORT_MAX_BYTES,
        seconds=settings.CASEBRIDGE_IMPORT_MAX_MINUTES * 60,
    )


@dataclass
class Checked:
    """What checking a batch's rows found so far (a few bytes a row)."""

    read: int = 0
    rejected: int = 0
    unchanged: int = 0
    # The lines that update a row an earlier batch loaded.
    updates: set[int] = field(default_factory=set)
    # Each reference's first line, so a reference repeated within the file is rejected.
    first_line_of: dict[str, int] = field(default_factory=dict)


def _header(rows: Iterator[Row], extract: ExtractFormat) -> list[str]:
    first = next(rows, None)
    if first is None:
        raise FileError("the file has no rows at all, not even a header.")
    names = [header_name(cell) for cell in first.cells]
    known = set(extract.column_names)
    if not known & set(names):
        raise FileError(
            "the first line is not a header: it names none of this format's columns "
            f"(such as {', '.join(extract.required_columns[:3])}).",
            line=first.line,
        )
    counts = Counter(names)
    if repeated := sorted(name for name, count in counts.items() if count > 1 and name):
        raise FileError(f"the header names a column twice: {_listed(repeated)}.", line=1)
    if unknown := [name for name in names if name and name not in known]:
        raise FileError(
            f"the header has columns this format does not have: {_listed(unknown)}. Rename "
            "or remove them (docs/data-formats.md lists the format's columns).",
            line=first.line,
        )
    if missing := [name for name in extract.required_columns if name not in counts]:
        raise FileError(f"the header lacks required columns: {', '.join(missing)}.", line=1)
    return names


def _listed(names: list[str]) -> str:
    listed = ", ".join(names[:NAMED_UNKNOWN])
    more = len(names) - NAMED_UNKNOWN
    return f"{listed} and {more:,} more" if more > 0 else listed


def _cells(row: Row, names: list[str]) -> dict[str, str]:
    return {name: value for name, value in zip(names, row.cells, strict=False) if name}


def _width_reasons(row: Row, names: list[str]) -> list[str]:
    if len(row.cells) < len(names):
        return [
            f"the row has {len(row.cells)} values but the header has {len(names)} columns "
            "(is the file cut short here?)"
        ]
    if len(row.cells) > len(names) and any(cell.strip() for cell in row.cells[len(names) :]):
        return [
            f"the row has {len(row.cells)} values but the header has {len(names)} columns "
            "(is a comma missing its quotes?)"
        ]
    return []


def _columns(chunk: list[Row], names: list[str]) -> dict[str, tuple[str, ...]]:
    """Each named column's cells, a cell a row (a short row's missing cells blank)."""
    width = len(names)
    rows = [
        row.cells if len(row.cells) >= width else (*row.cells, *[""] * (width - len(row.cells)))
        for row in chunk
    ]
    # A row wider than the header has its extra cells left out (_width_reasons reads them).
    columns = zip(*rows, strict=False)
    return {name: cells for name, cells in zip(names, columns, strict=False) if name}


def _subject_reasons(extract: ExtractFormat, values: dict[str, Value]) -> list[str]:
    return [
        f"{subject.role}: give both {subject.given_name} and {subject.family_name}, or neither"
        for subject in extract.subjects
        if (values[subject.given_name] is None) != (values[subject.family_name] is None)
    ]


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def check_rows(
    batch: ImportBatch,
    extract: ExtractFormat,
    rows: Iterator[Row],
    budget: Budget,
    checked: Checked,
    *,
    beside: Beside,
) -> Iterator[list[CheckedRow]]:
    """Check the header, then every row, a chunk at a time, yielding each chunk's rows to load
    (valid, and new or updating a row loaded before). Each chunk's valid rows are compared with
    earlier loads, looked up by ``beside`` while the chunk before is loaded, and its rejected
    rows kept with the batch's progress by ``beside`` while it is loaded itself."""
    names = _header(rows, extract)
    waiting: _Waiting | None = None
    for chunk in _chunks(rows):
        rejected, valid = _check_chunk(extract, chunk, names, checked)
        references = [str(row.values[extract.reference]) for row in valid]
        looked_up = beside.ahead(_earlier_loads, batch, extract, references)
        if waiting is not None and (to_load := _compared(batch, extract, checked, beside, waiting)):
            yield to_load
        waiting = _Waiting(rejected, valid, references, looked_up)
        budget.check_time()
    if waiting is not None and (to_load := _compared(batch, extract, checked, beside, waiting)):
        yield to_load


@dataclass
class _Waiting:
    """A chunk checked, its earlier loads being looked up."""

    rejected: list[Rejection]
    valid: list[CheckedRow]
    references: list[str]
    earlier_loads: Callable[[], Earlier]


def _check_chunk(
    extract: ExtractFormat, chunk: list[Row], names: list[str], checked: Checked
) -> tuple[list[Rejection], list[CheckedRow]]:
    """A chunk's rejected rows and valid ones, by the rules and the references seen before."""
    rejected: list[Rejection] = []
    valid: list[CheckedRow] = []
    results = check_chunk(
        extract=extract, lines=[row.line for row in chunk], columns=_columns(chunk, names)
    )
    for row, result in zip(chunk, results, strict=True):
        reasons = _width_reasons(row, names) + list(result.reasons)
        if not reasons:
            reasons += _subject_reasons(extract, result.values)
        reference = str(result.values.get(extract.reference) or "")
        if reference:
            earlier = checked.first_line_of.setdefault(reference, row.line)
            if earlier != row.line:
                reasons.append(f"{extract.reference} {reference} is on line {earlier} already")
        if reasons:
            rejected.append((row.line, _cells(row, names), reasons))
        else:
            valid.append(result)
    checked.read += len(chunk)
    return rejected, valid


def _compared(
    batch: ImportBatch,
    extract: ExtractFormat,
    checked: Checked,
    beside: Beside,
    waiting: _Waiting,
) -> list[CheckedRow]:
    """A checked chunk's rows to load once compared with earlier loads; its rejected rows
    kept."""
    against_earlier, not_loaded = _against_earlier_loads(
        extract, waiting.valid, waiting.references, waiting.earlier_loads(), checked
    )
    rejected = waiting.rejected + against_earlier
    checked.rejected += len(rejected)
    beside.later(_keep, batch, rejected, checked.read)
    return [row for row in waiting.valid if row.line not in not_loaded]


def _keep(batch: ImportBatch, rejected: list[Rejection], read: int) -> None:
    """Keep a chunk's rejected rows, and say how far the check has got."""
    with transaction.atomic():
        RejectedRow.objects.bulk_create(
            RejectedRow(
                batch=batch,
                line_number=line,
                cells=cells,
                reasons=reasons,
            )
            for line, cells, reasons in sorted(rejected, key=lambda r: r[0])
        )
        ImportBatch.objects.filter(pk=batch.pk).update(rows_read=read, progressed_at=timezone.now())


def _earlier_loads(batch: ImportBatch, extract: ExtractFormat, references: list[str]) -> Earlier:
    """What earlier batches from the same supplier loaded under ``references``, and which of
    them are recorded in Casebridge by hand."""
    earlier = {
        loaded.reference: loaded
        for loaded in LoadedRow.objects.filter(
            AnyOf(F("reference"), references),
            kind=extract.kind,
            supplied_by_id=batch.supplied_by_id,
        ).values_list("reference", "digest", "stable_digest", "batch_id", "line_number", named=True)
    }
    recorded: set[str] = set()
    if extract.target == "incidents":
        recorded = set(
            Incident.objects.filter(
                AnyOf(F("reference"), references),
                reporting_agency_id=batch.supplied_by_id,
                loaded_row__isnull=True,
            ).values_list("reference", flat=True)
        )
    return earlier, recorded


def _against_earlier_loads(
    extract: ExtractFormat,
    valid: list[CheckedRow],
    references: list[str],
    earlier_loads: Earlier,
    checked: Checked,
) -> tuple[list[Rejection], set[int]]:
    """Rows whose reference an earlier batch loaded: the same row again changes nothing; one
    changed only in its format's updatable columns (an offence's outcome) is an update; any
    other difference is rejected, since corrections to a loaded record are not applied blindly.
    Returns the rejected rows and the lines not to load (those and the unchanged ones)."""
    earlier, recorded = earlier_loads
    rejected = []
    not_loaded = set()
    for reference, row in zip(references, valid, strict=True):
        loaded = earlier.get(reference)
        if loaded is not None and loaded.digest == row.digest:
            checked.unchanged += 1
            not_loaded.add(row.line)
        elif loaded is not None and loaded.stable_digest == row.digest_without(extract.updatable):
            checked.updates.add(row.line)
        elif loaded is not None:
            reason = (
                f"{extract.reference} {reference} was loaded by batch {loaded.batch_id} "
                f"(line {loaded.line_number}) with other values; corrections to loaded records "
                "are not applied by an import: ask the partner which is right"
            )
            rejected.append((row.line, _raw(row), [reason]))
        elif reference in recorded:
            reason = f"{extract.reference} {reference} is recorded in Casebridge already"
            rejected.append((row.line, _raw(row), [reason]))
    not_loaded.update(line for line, _, _ in rejected)
    return rejected, not_loaded


def _raw(row: CheckedRow) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in jsonable(row.values).items()}
