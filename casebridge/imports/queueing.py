"""Queueing a batch's work for a worker (the web never runs it in the request); apart from the
services, which the tasks it queues import."""

from django.urls import reverse

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.core.errors import ApplicationError
from casebridge.imports.claims import take_over
from casebridge.imports.models import ImportBatch
from casebridge.imports.tasks import batch_match, import_batch
from casebridge.jobs.models import TaskRun
from casebridge.jobs.services import run_enqueue


def import_enqueue(*, actor: User, batch: ImportBatch) -> TaskRun:
    """Queue the check and load of a batch ``import_start`` took. From then on its run, not
    this process's hold on the file, says the batch is alive (recovery.py), so the hold goes."""
    run = run_enqueue(
        task=import_batch,
        title=f"Import batch {batch.pk}",
        started_by=actor,
        about=f"import_batch:{batch.pk}",
        link=reverse("imports:batch_detail", args=[batch.pk]),
        arguments={"batch_id": batch.pk},
    )
    held = take_over(batch.pk)
    if held is not None:
        held.close()
    return run


def batch_match_enqueue(*, actor: User, batch: ImportBatch) -> TaskRun:
    """Queue matching a loaded batch's people with the people held."""
    authorize(user=actor, action=Action.VIEW, obj=batch)
    if batch.status != ImportBatch.Status.LOADED:
        raise ApplicationError("Only a loaded batch's people can be matched.")
    return run_enqueue(
        task=batch_match,
        title=f"Match the people of import batch {batch.pk}",
        started_by=actor,
        about=f"import_batch_match:{batch.pk}",
        link=reverse("imports:batch_detail", args=[batch.pk]),
        arguments={"batch_id": batch.pk},
    )
