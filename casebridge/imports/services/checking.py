"""Reading and checking every row of a batch's file, within the budget of an import."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from casebridge.imports.formats import ExtractFormat
from casebridge.imports.models import ImportBatch, LoadedRow
from casebridge.imports.reading import Budget, FileError, Row, header_name
from casebridge.imports.validation import CheckedRow, Value, check_row, jsonable
from casebridge.incidents.models import Incident

PROGRESS_EVERY = 2_000
# Spreadsheets often carry blank columns after the last one used; past this many, the file is
# not an extract of the format.
BLANK_COLUMNS = 100
# How many of a header's unknown columns the error names.
NAMED_UNKNOWN = 10


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
    """What checking a batch's rows found, for the load."""

    valid: list[CheckedRow] = field(default_factory=list)
    # (line, the row's cells as sent, every reason)
    rejected: list[tuple[int, dict[str, str], list[str]]] = field(default_factory=list)
    updates: list[tuple[LoadedRow, CheckedRow]] = field(default_factory=list)
    unchanged: int = 0
    read: int = 0


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


def _cells(row: Row, names: list[str]) -> tuple[dict[str, str], list[str]]:
    cells = {name: value for name, value in zip(names, row.cells, strict=False) if name}
    if len(row.cells) < len(names):
        return cells, [
            f"the row has {len(row.cells)} values but the header has {len(names)} columns "
            "(is the file cut short here?)"
        ]
    if len(row.cells) > len(names) and any(cell.strip() for cell in row.cells[len(names) :]):
        return cells, [
            f"the row has {len(row.cells)} values but the header has {len(names)} columns "
            "(is a comma missing its quotes?)"
        ]
    return cells, []


def _subject_reasons(extract: ExtractFormat, values: dict[str, Value]) -> list[str]:
    return [
        f"{subject.role}: give both {subject.given_name} and {subject.family_name}, or neither"
        for subject in extract.subjects
        if (values[subject.given_name] is None) != (values[subject.family_name] is None)
    ]


def check_rows(batch: ImportBatch, extract: ExtractFormat, rows: Iterator[Row]) -> Checked:
    """Check the header, then every row, writing the batch's progress as it goes."""
    names = _header(rows, extract)
    checked = Checked()
    first_line_of: dict[str, int] = {}
    for row in rows:
        checked.read += 1
        cells, reasons = _cells(row, names)
        result = check_row(extract=extract, line=row.line, cells=cells)
        reasons += result.reasons
        if not reasons:
            reasons += _subject_reasons(extract, result.values)
        reference = str(result.values.get(extract.reference) or "")
        if reference and (earlier := first_line_of.setdefault(reference, row.line)) != row.line:
            reasons.append(f"{extract.reference} {reference} is on line {earlier} already")
        if reasons:
            checked.rejected.append((row.line, cells, reasons))
        else:
            checked.valid.append(result)
        if checked.read % PROGRESS_EVERY == 0:
            ImportBatch.objects.filter(pk=batch.pk).update(
                rows_read=checked.read, progressed_at=timezone.now()
            )
    return checked


def against_earlier_loads(batch: ImportBatch, extract: ExtractFormat, checked: Checked) -> None:
    """Rows whose reference an earlier batch loaded: the same row again changes nothing; one
    changed only in its format's updatable columns (an offence's outcome) is an update; any
    other difference is rejected, since corrections to a loaded record are not applied blindly."""
    by_reference = {str(row.values[extract.reference]): row for row in checked.valid}
    earlier = {
        loaded.reference: loaded
        for loaded in LoadedRow.objects.filter(
            kind=extract.kind, supplied_by=batch.supplied_by, reference__in=list(by_reference)
        ).iterator(chunk_size=2_000)
    }
    recorded: set[str] = set()
    if extract.target == "incidents":
        recorded = set(
            Incident.objects.filter(
                reporting_agency=batch.supplied_by,
                reference__in=list(by_reference),
                loaded_row__isnull=True,
            ).values_list("reference", flat=True)
        )
    keep = []
    for row in checked.valid:
        reference = str(row.values[extract.reference])
        loaded = earlier.get(reference)
        if loaded is not None and loaded.digest == row.digest:
            checked.unchanged += 1
            continue
        if loaded is not None and loaded.stable_digest == row.digest_without(extract.updatable):
            checked.updates.append((loaded, row))
            continue
        if loaded is not None:
            reason = (
                f"{extract.reference} {reference} was loaded by batch {loaded.batch_id} "
                f"(line {loaded.line_number}) with other values; corrections to loaded records "
                "are not applied by an import: ask the partner which is right"
            )
        elif reference in recorded:
            reason = f"{extract.reference} {reference} is recorded in Casebridge already"
        else:
            keep.append(row)
            continue
        checked.rejected.append((row.line, _raw(row), [reason]))
    checked.valid = keep


def _raw(row: CheckedRow) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in jsonable(row.values).items()}
