"""Running a started batch: check every row, keep the rejected ones, load the valid ones in one
transaction or none at all, within the import's time; then match the people it recorded."""

import logging
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.beside import beside_transactions
from casebridge.core.bulk import overlapped_inserts
from casebridge.core.errors import ApplicationError
from casebridge.core.garbage import fewer_collections
from casebridge.imports.claims import claim, take_over
from casebridge.imports.formats import ExtractFormat, extract_format
from casebridge.imports.loading import BatchLoader
from casebridge.imports.models import ImportBatch
from casebridge.imports.reading import Budget, FileError, open_extract
from casebridge.imports.services.checking import Checked, check_rows, import_budget
from casebridge.imports.services.linking import resolve_identities
from casebridge.imports.services.storing import (
    batch_file,
    batch_file_delete,
    batch_file_fetch,
    import_start,
)
from casebridge.imports.validation import CheckedRow

logger = logging.getLogger(__name__)


def batch_fail(batch: ImportBatch, message: str) -> ImportBatch:
    """Mark the batch not loaded with the reason, in the audit chain too."""
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
    path = batch_file(batch)
    try:
        held = take_over(batch.pk)
        if held is None:
            batch_file_fetch(batch)  # taken by another server, into a shared storage
            held = claim(path)
    except BlockingIOError:
        raise ApplicationError(f"Import batch {batch.pk} is being imported already.") from None
    except FileNotFoundError:
        batch.refresh_from_db()
        if batch.finished:
            return batch  # finished meanwhile, or failed by a restart's recovery
        return batch_fail(
            batch, "The uploaded file is gone, so nothing was loaded: import it again."
        )
    with held:
        try:
            # Millions of short-lived objects beside the process's own (core/garbage.py).
            with fewer_collections():
                batch = _check_and_load(batch, path)
        finally:
            # The file holds personal data; what it said now lives in the batch's rows.
            batch_file_delete(batch)
    if batch.status != ImportBatch.Status.LOADED or not batch.people_created:
        return batch
    return resolve_identities(batch)


def _check_and_load(batch: ImportBatch, path: Path) -> ImportBatch:
    started = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.VALIDATING
    )
    batch.refresh_from_db()
    if not started:
        return batch
    extract = extract_format(batch.kind)
    budget = import_budget(extract)
    checked = Checked()
    try:
        opened = open_extract(path, budget)
        batch.rows_expected = max(opened.lines - 1, 0)
        batch.save(update_fields=["rows_expected"])
        # One pass: each chunk is loaded as soon as it is checked, so that the server's work
        # on one chunk overlaps the check of the next; what the check keeps is written beside
        # the load's transaction (on PostgreSQL), the load lands whole or not at all.
        with beside_transactions() as beside, transaction.atomic():
            loader = load_rows(
                batch=batch,
                extract=extract,
                chunks=check_rows(batch, extract, opened.rows, budget, checked, beside=beside),
                updates=checked.updates,
            )
            beside(_checked_all, batch, checked)
            # Before anything is committed: an import past its time loads nothing.
            budget.check_time()
            batch.rows_read, batch.rows_rejected = checked.read, checked.rejected
            batch.rows_unchanged = checked.unchanged
            batch.rows_loaded, batch.rows_updated = loader.loaded, loader.updated
            batch.rows_noted = loader.noted
            batch.people_created, batch.people_matched = (
                loader.people_created,
                loader.people_matched,
            )
            batch.status, batch.finished_at = ImportBatch.Status.LOADED, timezone.now()
            batch.save()
            audit_record(
                actor=batch.imported_by,
                action="create",
                object_type="import_batch",
                object_id=batch.pk,
                summary=f"Loaded import batch {batch.pk}: {batch.rows_loaded} rows of "
                f"{extract.title.lower()} from {batch.supplied_by.name}",
                changes=summary(batch),
            )
    except FileError as error:
        # A file that can't be read fails whole: the rows rejected before the error go too.
        batch.rejected_rows.all().delete()
        batch.refresh_from_db()
        # How far the check got (on SQLite its progress went with the load's transaction).
        batch.rows_read = checked.read
        batch.save(update_fields=["rows_read"])
        return batch_fail(batch, error.message)
    except Exception as error:
        logger.exception("Import batch %s failed to load", batch.pk)
        batch.refresh_from_db()
        _keep_rejected_rows(batch, extract, path, budget)
        return batch_fail(batch, f"The rows could not be loaded, so none were: {error}")
    return batch


def _checked_all(batch: ImportBatch, checked: Checked) -> None:
    """Every row checked: what the check found, and the batch loading."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_read=checked.read,
        rows_rejected=checked.rejected,
        rows_unchanged=checked.unchanged,
        status=ImportBatch.Status.LOADING,
        progressed_at=timezone.now(),
    )


def _keep_rejected_rows(
    batch: ImportBatch, extract: ExtractFormat, path: Path, budget: Budget
) -> None:
    """After a load that failed, every rejected row kept for the partner all the same: the file
    checked again on its own (the load may have failed before the check reached its end, and
    on SQLite what the check kept went with the load's transaction). A file past its budget by
    now keeps none, as a file that can't be read."""
    batch.rejected_rows.all().delete()
    try:
        with beside_transactions() as beside:
            for _ in check_rows(
                batch, extract, open_extract(path, budget).rows, budget, Checked(), beside=beside
            ):
                pass
            beside.finish()
    except FileError:
        batch.rejected_rows.all().delete()


def load_rows(
    *,
    batch: ImportBatch,
    extract: ExtractFormat,
    chunks: Iterable[list[CheckedRow]],
    updates: set[int],
) -> BatchLoader:
    """Load, a chunk at a time, the rows checking found to load (``updates``: the lines that
    update a row loaded before, known once their chunk is checked)."""
    loader = BatchLoader(batch=batch, extract=extract)
    # The server writes a chunk while the next is checked and built (PostgreSQL).
    with overlapped_inserts():
        for rows in chunks:
            loader.load(rows, updates=updates)
        loader.finish()
    return loader


def summary(batch: ImportBatch) -> dict[str, int]:
    return {
        "read": batch.rows_read,
        "loaded": batch.rows_loaded,
        "unchanged": batch.rows_unchanged,
        "updated": batch.rows_updated,
        "rejected": batch.rows_rejected,
        "noted": batch.rows_noted,
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
