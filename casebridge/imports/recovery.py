"""After a restart: batches no live import is working on are failed, and their files deleted;
a batch whose worker died part-way is started again from the top.

An upload's import is a background run (tasks.py): while the run is queued or running it is
the run that says the batch is alive, and a run whose worker died is tried again (jobs), so
such a batch is never failed here. ``casebridge import`` imports in its own process, holding
the file's lock (claims.py) while it does: an unfinished batch with no run whose file nobody
holds, or whose file is gone, was interrupted, and nothing will finish it. So this is safe to
run at any time, beside live imports in other processes, and ``casebridge imports-recover``
runs it when the server starts (``make demo`` does), as ``casebridge import`` does before each
import.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from casebridge.imports.claims import claim
from casebridge.imports.models import ImportBatch
from casebridge.imports.services import (
    batch_fail,
    batch_file_delete,
    batch_file_stored,
    import_directory,
)
from casebridge.jobs.selectors import run_unfinished_about

logger = logging.getLogger(__name__)

INTERRUPTED = (
    "The import was interrupted by a restart of the server before it finished, so nothing "
    "was loaded: import the file again."
)
UNFINISHED = (
    ImportBatch.Status.QUEUED,
    ImportBatch.Status.VALIDATING,
    ImportBatch.Status.LOADING,
)


@dataclass(frozen=True)
class Recovery:
    failed: list[int]  # the batches found interrupted
    files_deleted: int


def _batch_id(path: Path) -> int | None:
    """The batch a stored file belongs to (``batch-12.csv``); None for an upload cut off before
    its batch was recorded (``upload-...``)."""
    kind, _, number = path.stem.partition("-")
    return int(number) if kind == "batch" and number.isdigit() else None


def _uploads(directory: Path) -> list[Path]:
    """The files imports write there (anything else is not theirs to delete)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.startswith(("batch-", "upload-")))


def _has_run(batch_id: int) -> bool:
    """A background run is queued for the batch, or working on it (or will be tried again)."""
    return run_unfinished_about(about=f"import_batch:{batch_id}")


def _fail_interrupted(batch_id: int) -> bool:
    """Fail the batch if it is still unfinished (it may have finished since it was listed)."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .filter(pk=batch_id, status__in=UNFINISHED)
            .first()
        )
        if batch is None:
            return False
        if batch.status == ImportBatch.Status.VALIDATING:
            # Kept chunk by chunk as they were checked: a part of them says nothing useful.
            batch.rejected_rows.all().delete()
        batch_fail(batch, INTERRUPTED)
        batch_file_delete(batch)  # a copy in a shared storage too
    logger.warning("Import batch %s was interrupted by a restart: marked not loaded", batch_id)
    return True


def imports_recover() -> Recovery:
    """Fail every unfinished batch no live import holds, and delete every file in this
    machine's import directory no live import holds (each holds personal data)."""
    directory = import_directory()
    failed: list[int] = []
    deleted = 0
    for path in _uploads(directory):
        batch_id = _batch_id(path)
        if batch_id is not None and _has_run(batch_id):
            continue  # its run's (not held even for a moment: its worker may be taking it)
        try:
            held = claim(path)
        except (BlockingIOError, FileNotFoundError, IsADirectoryError):
            continue  # a live import's, or gone meanwhile
        with held:
            if batch_id is not None and _fail_interrupted(batch_id):
                failed.append(batch_id)
            path.unlink(missing_ok=True)  # while held: no import can take it up meanwhile
            deleted += 1
    # A batch's file is in place before the batch is seen, and deleted only once it is
    # finished: an unfinished batch without one was stopped.
    for batch in ImportBatch.objects.filter(status__in=UNFINISHED).only("pk", "file_name"):
        if not batch_file_stored(batch) and not _has_run(batch.pk) and _fail_interrupted(batch.pk):
            failed.append(batch.pk)
    return Recovery(failed=sorted(failed), files_deleted=deleted)


def batch_restart(*, batch_id: int) -> ImportBatch:
    """The batch, ready for its run's attempt: one an earlier attempt left part-way (its worker
    killed) loaded nothing, as the load is one transaction, so what its check had counted and
    kept is dropped and it waits to start again."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status in (ImportBatch.Status.VALIDATING, ImportBatch.Status.LOADING):
            batch.rejected_rows.all().delete()
            batch.status = ImportBatch.Status.QUEUED
            batch.rows_read = batch.rows_rejected = batch.rows_unchanged = 0
            batch.save(update_fields=["status", "rows_read", "rows_rejected", "rows_unchanged"])
            logger.warning("Import batch %s: started again after its worker stopped", batch_id)
    return batch


def batch_abandoned(*, batch_id: int) -> None:
    """A batch whose run was given up (its worker died every time) is failed, its file deleted."""
    _fail_interrupted(batch_id)
