"""What imports hears from the apps below it."""

from casebridge.jobs.models import TaskRun


def run_abandoned(*, sender: type[TaskRun], run: TaskRun, **kwargs: object) -> None:
    """jobs gave up a run (its worker died every time): if it was a batch's import, the batch
    is failed and its file deleted."""
    kind, _, batch_id = run.about.partition(":")
    if kind != "import_batch":
        return
    # Here, not at the top: recovery imports the services (and through them linkage), which a
    # process need not load to start.
    from casebridge.imports.recovery import batch_abandoned

    batch_abandoned(batch_id=int(batch_id))
