"""The operators' background work (run by ``casebridge worker``)."""

from django.core.exceptions import ImproperlyConfigured
from django_tasks import task

from casebridge.audit.anchors import audit_anchor_export
from casebridge.core.errors import ApplicationError
from casebridge.jobs.services import run_started


@task()
def audit_anchor(run_id: str, attempt: int) -> None:
    """Daily: the audit chain's head signed and exported (schedules.yaml), so a chain rewritten
    in the database is found out by the anchors kept outside it."""
    with run_started(run_id=run_id, attempt=attempt) as run:
        if run is None:
            return
        try:
            anchor = audit_anchor_export()
        except ImproperlyConfigured as error:
            # The run's page says what the operator must set, not "an unexpected error".
            raise ApplicationError(str(error)) from error
        run.outcome = f"The audit chain was anchored at entry {anchor.sequence:,}."
