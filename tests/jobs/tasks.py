"""Tasks the tests queue: they stand for the project's own (an import, a snapshot) where what
is under test is the run around them, not the work."""

from django_tasks import task

from casebridge.core.errors import ApplicationError
from casebridge.jobs.services import run_started


@task()
def succeeds(run_id: str, attempt: int) -> None:
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        run.outcome = "Counted the records."


@task()
def refuses(run_id: str, attempt: int) -> None:
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        raise ApplicationError("Training needs at least 200 people and 12 are recorded.")


@task()
def breaks(run_id: str, attempt: int) -> None:
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        raise KeyError("secret-internal-detail")
