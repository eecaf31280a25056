"""The figures' background work (run by ``casebridge worker``): taking a snapshot of the
records, on request ("Refresh the figures") or nightly (schedules.yaml)."""

from django.utils import timezone
from django_tasks import task

from casebridge.analytics.services import snapshot_refresh
from casebridge.jobs.services import run_started


@task()
def snapshot_take(run_id: str, attempt: int) -> None:
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        snapshot = snapshot_refresh(actor=run.started_by)
        run.outcome = (
            "The figures are now computed from the records as they were at "
            f"{timezone.localtime(snapshot.taken_at):%-d %B %Y %H:%M}."
        )
