"""Running a started import: in a background thread for the web (so the page can show its
progress while it runs), or there and then (tests, and a server configured so)."""

import logging
import threading

from django.conf import settings
from django.db import connections

from casebridge.imports.models import ImportBatch
from casebridge.imports.services import import_run

logger = logging.getLogger(__name__)


def _run_then_close(batch_id: int) -> None:
    try:
        import_run(batch=ImportBatch.objects.get(pk=batch_id))
    except Exception:
        # Nobody is waiting on this thread to hear of it: the batch page must say so.
        logger.exception("Import batch %s stopped", batch_id)
        ImportBatch.objects.filter(pk=batch_id).exclude(status=ImportBatch.Status.LOADED).update(
            status=ImportBatch.Status.FAILED,
            error="The import stopped on an unexpected error, so nothing was loaded. It has "
            "been logged for the system administrator; try again later.",
        )
    finally:
        # The thread's own database connection, which Django only closes for request threads.
        connections.close_all()


def run_import(*, batch: ImportBatch) -> None:
    if not settings.CASEBRIDGE_IMPORTS_IN_BACKGROUND:
        import_run(batch=batch)
        return
    threading.Thread(
        target=_run_then_close, args=(batch.pk,), name=f"import-batch-{batch.pk}", daemon=True
    ).start()
