"""After a restart: batches no live import is working on are failed, and their files deleted.

An import runs in the process that took the upload (a thread of the web server, or
``casebridge import``), and nothing resumes it if that process stops. Whether one is still
running is known from its file's lock (claims.py), not guessed from how long it has been quiet:
an unfinished batch whose file nobody holds, or whose file is gone, was interrupted. So this is
safe to run at any time, beside live imports in other processes, and ``casebridge
imports-recover`` runs it when the server starts (``make demo`` does, before ``runserver``), as
``casebridge import`` does before each import.
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
        try:
            held = claim(path)
        except (BlockingIOError, FileNotFoundError, IsADirectoryError):
            continue  # a live import's, or gone meanwhile
        with held:
            batch_id = _batch_id(path)
            if batch_id is not None and _fail_interrupted(batch_id):
                failed.append(batch_id)
            path.unlink(missing_ok=True)  # while held: no import can take it up meanwhile
            deleted += 1
    # A batch's file is in place before the batch is seen, and deleted only once it is
    # finished: an unfinished batch without one was stopped.
    for batch in ImportBatch.objects.filter(status__in=UNFINISHED).only("pk", "file_name"):
        if not batch_file_stored(batch) and _fail_interrupted(batch.pk):
            failed.append(batch.pk)
    return Recovery(failed=sorted(failed), files_deleted=deleted)
