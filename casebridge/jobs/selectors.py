"""Reading background runs: a run is its starter's to see (a schedule's runs are nobody's page)."""

from uuid import UUID

from django.db.models import QuerySet

from casebridge.access.policy import AccessDenied, Action
from casebridge.accounts.models import User
from casebridge.jobs.models import TaskRun

RESOURCE = "task_run"


def run_get(*, user: User, run_id: UUID) -> TaskRun:
    """The run, if ``user`` started it; otherwise AccessDenied (a 404), whether or not a run of
    that id exists."""
    run = TaskRun.objects.filter(pk=run_id, started_by_id=user.pk).first()
    if run is None:
        raise AccessDenied(Action.VIEW, RESOURCE, run_id)
    return run


def runs_started_by(*, user: User, about: str) -> QuerySet[TaskRun]:
    """The user's runs about one thing (``"snapshot"``, ``"import_batch:12"``), latest first."""
    return TaskRun.objects.filter(started_by_id=user.pk, about=about).order_by("-created_at")


def run_latest(*, user: User, about: str) -> TaskRun | None:
    return runs_started_by(user=user, about=about).first()


def run_unfinished_about(*, about: str) -> bool:
    """Whether some run about the thing is queued or running (anyone's)."""
    return TaskRun.objects.filter(
        about=about, status__in=[TaskRun.Status.QUEUED, TaskRun.Status.RUNNING]
    ).exists()
