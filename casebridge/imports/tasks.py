"""The imports' background work (run by ``casebridge worker``): checking and loading a batch,
then matching its people; matching a loaded batch's people again."""

from django_tasks import task

from casebridge.core.errors import ApplicationError
from casebridge.imports.models import ImportBatch
from casebridge.imports.recovery import batch_restart
from casebridge.imports.services.linking import batch_link, resolve_identities
from casebridge.imports.services.running import import_run
from casebridge.jobs.services import run_started


@task()
def import_batch(run_id: str, attempt: int) -> None:
    """Check and load the run's batch. An attempt a killed worker left part-way loaded nothing
    (the load is one transaction): the batch starts again from the top."""
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        batch = import_run(batch=batch_restart(batch_id=run.arguments["batch_id"]))
        if batch.status == ImportBatch.Status.FAILED:
            raise ApplicationError(batch.error)
        if batch.people_created and not batch.linkage:
            # Loaded by an attempt whose worker died while matching: match them now.
            batch = resolve_identities(batch)
        run.outcome = f"{batch.rows_loaded:,} rows loaded, {batch.rows_rejected:,} rejected."


@task()
def batch_match(run_id: str, attempt: int) -> None:
    """Match a loaded batch's people with the people held (once a model is trained, say)."""
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        assert run.started_by is not None, "an analyst asks for it"
        batch = ImportBatch.objects.get(pk=run.arguments["batch_id"])
        run.outcome = batch_link(actor=run.started_by, batch=batch).linkage
