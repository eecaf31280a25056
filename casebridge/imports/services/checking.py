"""Reading and checking every row of a batch's file, within the budget of an import.

The file is checked a chunk at a time: every row is checked, the rejected ones are kept (written
as it goes), and what the load needs to know is remembered by line (which rows not to load,
which update a row loaded before). The valid rows' parsed values are kept for the load too, as
tuples (a few hundred bytes a row), up to ``KEPT_ROWS``; past that, so that an import's memory
does not grow with its file, the load reads the file again and parses its rows a second time.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from casebridge.core.lookups import AnyOf
from casebridge.imports.formats import ExtractFormat
from casebridge.imports.models import ImportBatch, LoadedRow, RejectedRow
from casebridge.imports.reading import Budget, FileError, Row, header_name
from casebridge.imports.validation import (
    CheckedRow,
    Clock,
    Value,
    check_row,
    jsonable,
    parse_checked_row,
)
from casebridge.incidents.models import Incident

# Rows checked, compared with earlier loads and loaded together: what an import holds at once.
CHUNK = 2_000
# The most valid rows whose parsed values are kept from the check for the load (about 60 MiB
# of them); a larger file is read and parsed again by the load instead.
KEPT_ROWS = 200_000
# Spreadsheets often carry blank columns after the last one used; past this many, the file is
# not an extract of the format.
BLANK_COLUMNS = 100
# How many of a header's unknown columns the error names.
NAMED_UNKNOWN = 10
# (line, the row's cells as sent, every reason)
Rejection = tuple[int, dict[str, str], list[str]]
# A valid row as the check leaves it for the load: (line, its values in the format's order of
# columns, its notes).
Kept = tuple[int, tuple[Value, ...], tuple[str, ...]]


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
    """What checking a batch's rows found, by line, for the load (a few bytes a row)."""

    read: int = 0
    rejected: int = 0
    unchanged: int = 0
    # The lines not to load: rejected, or loaded before exactly as they are.
    skipped: set[int] = field(default_factory=set)
    # The lines that update a row an earlier batch loaded.
    updates: set[int] = field(default_factory=set)
    # Each reference's first line, so a reference repeated within the file is rejected.
    first_line_of: dict[str, int] = field(default_factory=dict)
    # Each chunk's valid rows, parsed, for the load; None once there are too many to keep.
    kept: list[list[Kept]] | None = field(default_factory=list)
    kept_rows: int = 0

    def keep(self, valid: list[CheckedRow]) -> None:
        if self.kept is None:
            return
        self.kept_rows += len(valid)
        if self.kept_rows > KEPT_ROWS:
            self.kept = None  # the load reads the file again
            return
        self.kept.append([(row.line, tuple(row.values.values()), row.notes) for row in valid])

    @property
    def to_load(self) -> int:
        return self.read - len(self.skipped) - len(self.updates)


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


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def _checked(
    extract: ExtractFormat, row: Row, names: list[str], clock: Clock
) -> tuple[CheckedRow, dict[str, str], list[str]]:
    cells, reasons = _cells(row, names)
    result = check_row(extract=extract, line=row.line, cells=cells, clock=clock)
    reasons += result.reasons
    if not reasons:
        reasons += _subject_reasons(extract, result.values)
    return result, cells, reasons


def check_rows(
    batch: ImportBatch, extract: ExtractFormat, rows: Iterator[Row], budget: Budget
) -> Checked:
    """Check the header, then every row, a chunk at a time: each chunk's rejected rows are kept
    (with the batch's progress) as it is checked, and its valid rows compared with earlier loads."""
    names = _header(rows, extract)
    checked = Checked()
    for chunk in _chunks(rows):
        rejected: list[Rejection] = []
        valid: list[CheckedRow] = []
        clock = Clock()
        for row in chunk:
            result, cells, reasons = _checked(extract, row, names, clock)
            reference = str(result.values.get(extract.reference) or "")
            if reference:
                earlier = checked.first_line_of.setdefault(reference, row.line)
                if earlier != row.line:
                    reasons.append(f"{extract.reference} {reference} is on line {earlier} already")
            if reasons:
                rejected.append((row.line, cells, reasons))
            else:
                valid.append(result)
        rejected += _against_earlier_loads(batch, extract, valid, checked)
        checked.keep(valid)
        checked.read += len(chunk)
        checked.rejected += len(rejected)
        checked.skipped.update(line for line, _, _ in rejected)
        _keep(batch, rejected, checked.read)
        budget.check_time()
    return checked


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


def _against_earlier_loads(
    batch: ImportBatch, extract: ExtractFormat, valid: list[CheckedRow], checked: Checked
) -> list[Rejection]:
    """Rows whose reference an earlier batch loaded: the same row again changes nothing; one
    changed only in its format's updatable columns (an offence's outcome) is an update; any
    other difference is rejected, since corrections to a loaded record are not applied blindly."""
    references = [str(row.values[extract.reference]) for row in valid]
    earlier = {
        loaded.reference: loaded
        for loaded in LoadedRow.objects.filter(
            AnyOf(F("reference"), references), kind=extract.kind, supplied_by=batch.supplied_by
        ).values_list("reference", "digest", "stable_digest", "batch_id", "line_number", named=True)
    }
    recorded: set[str] = set()
    if extract.target == "incidents":
        recorded = set(
            Incident.objects.filter(
                AnyOf(F("reference"), references),
                reporting_agency=batch.supplied_by,
                loaded_row__isnull=True,
            ).values_list("reference", flat=True)
        )
    rejected = []
    for reference, row in zip(references, valid, strict=True):
        loaded = earlier.get(reference)
        if loaded is not None and loaded.digest == row.digest:
            checked.unchanged += 1
            checked.skipped.add(row.line)
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
    return rejected


def _raw(row: CheckedRow) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in jsonable(row.values).items()}


def rows_to_load(
    extract: ExtractFormat, checked: Checked, read_again: Callable[[], Iterator[Row]]
) -> Iterator[list[CheckedRow]]:
    """The rows the check found valid and new or updating, a chunk at a time: those it kept,
    or, when it kept none (too many), those ``read_again`` reads (the file, a second time)."""
    if checked.kept is None:
        yield from _read_again(extract, read_again(), checked)
        return
    names = extract.column_names
    for chunk in checked.kept:
        wanted = [
            CheckedRow(
                line=line, values=dict(zip(names, values, strict=True)), reasons=(), notes=notes
            )
            for line, values, notes in chunk
            if line not in checked.skipped
        ]
        if wanted:
            yield wanted


def _read_again(
    extract: ExtractFormat, rows: Iterator[Row], checked: Checked
) -> Iterator[list[CheckedRow]]:
    """The second pass over the file: the rows to load again, their cells parsed but the rules
    not applied again. The file is held by this import throughout, so it reads as it did."""
    names = _header(rows, extract)
    for chunk in _chunks(rows):
        wanted = []
        clock = Clock()
        for row in chunk:
            if row.line in checked.skipped:
                continue
            cells, _ = _cells(row, names)
            result = parse_checked_row(extract=extract, line=row.line, cells=cells, clock=clock)
            if result.reasons:
                raise FileError(
                    f"the row reads differently from when it was checked: {list(result.reasons)}"
                )
            wanted.append(result)
        if wanted:
            yield wanted
