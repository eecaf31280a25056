"""Queueing the figures' work for a worker (apart from services.py, which the task imports)."""

from django.urls import reverse

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.analytics.tasks import snapshot_take
from casebridge.jobs.models import TaskRun
from casebridge.jobs.selectors import run_latest
from casebridge.jobs.services import run_enqueue

ABOUT = "snapshot"


def snapshot_enqueue(*, actor: User) -> TaskRun:
    """Queue a snapshot of the records, unless the actor's last one has yet to run.

    Raises:
        AccessDenied: the actor may not refresh the figures.
    """
    require_permission(user=actor, action=Action.CREATE, resource=Resource.FIGURES)
    waiting = run_latest(user=actor, about=ABOUT)
    if waiting is not None and not waiting.finished:
        return waiting
    return run_enqueue(
        task=snapshot_take,
        title="Refresh the figures",
        started_by=actor,
        about=ABOUT,
        link=reverse("analytics:dashboard"),
    )
