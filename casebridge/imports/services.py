"""Importing a partner's extract: one file, one batch, all or nothing.

``import_start`` takes the file (authorised, stored, audited) and ``import_run`` does the work:
read and check every row, keep the rejected ones with their reasons, then load every valid row
in one transaction, people included. A file already loaded is refused; a row an earlier batch
loaded is recognised by its reference and left as it is.
"""

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    authorize,
    require_permission,
)
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.imports.formats import ExtractFormat, extract_format
from casebridge.imports.loading import load_rows, update_rows
from casebridge.imports.models import NOT_MATCHED, ImportBatch, LoadedRow, RejectedRow
from casebridge.imports.reading import FileError, Row, count_lines, header_name, read_rows
from casebridge.imports.validation import CheckedRow, Value, check_row, jsonable
from casebridge.incidents.models import Incident
from casebridge.linkage.services import people_link
from casebridge.people.models import Person

logger = logging.getLogger(__name__)

SUFFIXES = (".csv", ".xlsx")
PROGRESS_EVERY = 2_000


def _import_dir() -> Path:
    directory = Path(settings.CASEBRIDGE_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _store(content: IO[bytes], destination: Path) -> tuple[str, int]:
    """Write the upload to disk, hashing as it goes; refuse it past the size limit."""
    digest, size = hashlib.sha256(), 0
    limit = settings.CASEBRIDGE_IMPORT_MAX_BYTES
    with destination.open("wb") as out:
        destination.chmod(0o600)
        for chunk in iter(lambda: content.read(1 << 20), b""):
            size += len(chunk)
            if size > limit:
                raise ApplicationError(
                    f"The file is larger than {limit // 1_000_000:,} MB: split it by period and "
                    "import each part.",
                    field="file",
                )
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def batch_file(batch: ImportBatch) -> Path:
    return _import_dir() / f"batch-{batch.pk}{Path(batch.file_name).suffix.lower()}"


def import_start(
    *, actor: User, kind: str, supplied_by: Agency, file_name: str, content: IO[bytes]
) -> ImportBatch:
    """Take a partner's file for import as ``kind``; ``import_run`` then loads it."""
    require_permission(user=actor, action=Action.CREATE, resource=Resource.IMPORT_BATCH)
    if actor.agency is None:
        raise ApplicationError("Only a member of an agency can import partner data.")
    try:
        extract = extract_format(kind)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="kind") from error
    if supplied_by.kind != extract.supplied_by:
        raise ApplicationError(
            f"{extract.title} come from a {extract.supplied_by.replace('_', ' ')} agency; "
            f"{supplied_by.name} is not one.",
            field="supplied_by",
        )
    if Path(file_name).suffix.lower() not in SUFFIXES:
        raise ApplicationError("The file must be a CSV (.csv) or Excel (.xlsx) file.", field="file")
    incoming = _import_dir() / f"upload-{timezone.now():%Y%m%d%H%M%S%f}"
    try:
        sha256, size = _store(content, incoming)
        _refuse_if_loaded(kind=kind, supplied_by=supplied_by, sha256=sha256)
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=kind,
                supplied_by=supplied_by,
                imported_by=actor,
                imported_by_agency=actor.agency,
                file_name=Path(file_name).name[:255],
                file_sha256=sha256,
                file_size=size,
            )
            audit_record(
                actor=actor,
                action="create",
                object_type="import_batch",
                object_id=batch.pk,
                summary=f"Started import batch {batch.pk}: {extract.title} from {supplied_by.name}",
                changes={"kind": kind, "file_sha256": sha256, "file_size": size},
            )
        incoming.rename(batch_file(batch))
    finally:
        incoming.unlink(missing_ok=True)
    return batch


def _refuse_if_loaded(*, kind: str, supplied_by: Agency, sha256: str) -> None:
    earlier = ImportBatch.objects.filter(
        kind=kind, supplied_by=supplied_by, file_sha256=sha256, status=ImportBatch.Status.LOADED
    ).first()
    if earlier is not None:
        raise ApplicationError(
            f"This file was imported already, as batch {earlier.pk} on "
            f"{timezone.localtime(earlier.created_at):%d %B %Y at %H:%M}: nothing has changed.",
            field="file",
        )


@dataclass
class _Checked:
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
    if repeated := sorted({name for name in names if names.count(name) > 1 and name}):
        raise FileError(f"the header names a column twice: {', '.join(repeated)}.", line=1)
    if unknown := [name for name in names if name and name not in known]:
        raise FileError(
            f"the header has columns this format does not have: {', '.join(unknown)}. Rename "
            "or remove them (docs/data-formats.md lists the format's columns).",
            line=first.line,
        )
    if missing := [name for name in extract.required_columns if name not in names]:
        raise FileError(f"the header lacks required columns: {', '.join(missing)}.", line=1)
    return names


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


def _check_rows(batch: ImportBatch, extract: ExtractFormat, path: Path) -> _Checked:
    rows = read_rows(path)
    names = _header(rows, extract)
    checked = _Checked()
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


def _against_earlier_loads(batch: ImportBatch, extract: ExtractFormat, checked: _Checked) -> None:
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


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    batch.status, batch.error, batch.finished_at = (
        ImportBatch.Status.FAILED,
        message,
        timezone.now(),
    )
    batch.save(update_fields=["status", "error", "finished_at"])
    audit_record(
        actor=batch.imported_by,
        action="change",
        object_type="import_batch",
        object_id=batch.pk,
        summary=f"Import batch {batch.pk} not loaded",
        changes={"error": message},
    )
    return batch


def import_run(*, batch: ImportBatch) -> ImportBatch:
    """Check and load a started batch. Runs outside any transaction of the caller's: progress
    is written as it goes, and the load is one transaction of its own."""
    extract = extract_format(batch.kind)
    path = batch_file(batch)
    batch.status = ImportBatch.Status.VALIDATING
    batch.rows_expected = max(count_lines(path) - 1, 0)
    batch.save(update_fields=["status", "rows_expected"])
    try:
        checked = _check_rows(batch, extract, path)
        _against_earlier_loads(batch, extract, checked)
    except FileError as error:
        return _fail(batch, error.message)
    finally:
        # The file holds personal data; once read, what it said lives in the batch's rows.
        path.unlink(missing_ok=True)
    with transaction.atomic():
        RejectedRow.objects.bulk_create(
            (
                RejectedRow(batch=batch, line_number=line, cells=cells, reasons=reasons)
                for line, cells, reasons in sorted(checked.rejected, key=lambda r: r[0])
            ),
            batch_size=1_000,
        )
        batch.rows_read, batch.rows_rejected = checked.read, len(checked.rejected)
        batch.rows_unchanged, batch.status = checked.unchanged, ImportBatch.Status.LOADING
        batch.save(update_fields=["rows_read", "rows_rejected", "rows_unchanged", "status"])
    try:
        with transaction.atomic():
            outcome = load_rows(batch=batch, extract=extract, rows=checked.valid)
            update_rows(batch=batch, extract=extract, updates=checked.updates)
            batch.rows_loaded, batch.rows_updated = len(checked.valid), len(checked.updates)
            batch.people_created, batch.people_matched = outcome.created, outcome.matched
            batch.status, batch.finished_at = ImportBatch.Status.LOADED, timezone.now()
            batch.save()
            batch.people.add(*outcome.new_people)
            audit_record(
                actor=batch.imported_by,
                action="create",
                object_type="import_batch",
                object_id=batch.pk,
                summary=f"Loaded import batch {batch.pk}: {batch.rows_loaded} rows of "
                f"{extract.title.lower()} from {batch.supplied_by.name}",
                changes=summary(batch),
            )
    except Exception as error:
        logger.exception("Import batch %s failed to load", batch.pk)
        batch.refresh_from_db()
        return _fail(batch, f"The rows could not be loaded, so none were: {error}")
    return _resolve_identities(batch, outcome.new_people)


def batch_link(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Match a loaded batch's people with the people held (again): once a model is trained,
    say, without importing the file again. Those merged since are left as they are."""
    authorize(user=actor, action=Action.VIEW, obj=batch)
    if batch.status != ImportBatch.Status.LOADED:
        raise ApplicationError("Only a loaded batch's people can be matched.")
    return _resolve_identities(batch, list(batch.people.filter(merged_into__isnull=True)), actor)


def _resolve_identities(
    batch: ImportBatch, people: list[Person], actor: User | None = None
) -> ImportBatch:
    """Match the people the batch recorded against everyone held. It runs after the load and
    apart from it: the batch is loaded whatever linkage makes of it, and an analyst can link
    later (``batch_link``) without importing again."""
    if not people:
        return batch
    try:
        linked = people_link(
            actor=actor or batch.imported_by, people=people, source=f"import batch {batch.pk}"
        )
    except AccessDenied:
        batch.linkage = f"{NOT_MATCHED}: the importer may not do that."
    except ApplicationError as error:
        batch.linkage = f"{NOT_MATCHED}: {error.message}"
    else:
        batch.linkage = (
            f"{linked.automatic:,} linked to people already held, {linked.queued:,} waiting "
            f"for an analyst to review, {linked.new:,} new."
        )
    batch.save(update_fields=["linkage"])
    return batch


def summary(batch: ImportBatch) -> dict[str, int]:
    return {
        "read": batch.rows_read,
        "loaded": batch.rows_loaded,
        "unchanged": batch.rows_unchanged,
        "updated": batch.rows_updated,
        "rejected": batch.rows_rejected,
        "people_created": batch.people_created,
        "people_matched": batch.people_matched,
    }


def import_file(*, actor: User, kind: str, supplied_by: Agency, path: Path) -> ImportBatch:
    """Start and run an import from a file on disk (the command line)."""
    with path.open("rb") as content:
        batch = import_start(
            actor=actor, kind=kind, supplied_by=supplied_by, file_name=path.name, content=content
        )
    return import_run(batch=batch)
