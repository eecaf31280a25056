"""Administration's background work (run by ``casebridge worker``)."""

from django.template.defaultfilters import pluralize
from django_tasks import task

from casebridge.administration.services import access_reviews_remind as remind
from casebridge.jobs.services import run_started


@task()
def access_reviews_remind(run_id: str, attempt: int) -> None:
    """Weekly: whoever may confirm a due access review is reminded (schedules.yaml)."""
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        told = remind()
        run.outcome = f"{told} reviewer{pluralize(told)} of access reviews reminded."
