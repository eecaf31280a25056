"""Identity resolution's background work (run by ``casebridge worker``): training the model."""

from django_tasks import task

from casebridge.jobs.services import run_started
from casebridge.linkage.services.training import linkage_model_train


@task()
def model_train(run_id: str, attempt: int) -> None:
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        model = linkage_model_train(actor=run.started_by)
        people = "person" if model.record_count == 1 else "people"
        run.outcome = (
            f"Model {model.version} is trained on {model.record_count:,} {people} and in use."
        )
