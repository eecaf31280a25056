"""The panels' background work (run by ``casebridge worker``)."""

from django.template.defaultfilters import pluralize
from django_tasks import task

from casebridge.jobs.services import run_started
from casebridge.panels.services.reminders import overdue_actions_remind as remind


@task()
def overdue_actions_remind(run_id: str, attempt: int) -> None:
    """Daily: each owner of overdue actions told how many (schedules.yaml)."""
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        told = remind()
        run.outcome = f"{told} owner{pluralize(told)} of overdue actions reminded."
