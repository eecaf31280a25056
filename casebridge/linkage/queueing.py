"""Queueing identity resolution's work for a worker (apart from the services the task imports)."""

from django.urls import reverse

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.jobs.models import TaskRun
from casebridge.jobs.selectors import run_latest
from casebridge.jobs.services import run_enqueue
from casebridge.linkage.tasks import model_train

ABOUT = "linkage_model"


def model_train_enqueue(*, actor: User) -> TaskRun:
    """Queue training a model on the people held, unless the actor's last request has yet to
    run.

    Raises:
        AccessDenied: the actor may not resolve identities.
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    waiting = run_latest(user=actor, about=ABOUT)
    if waiting is not None and not waiting.finished:
        return waiting
    return run_enqueue(
        task=model_train,
        title="Train the linkage model",
        started_by=actor,
        about=ABOUT,
        link=reverse("linkage:model"),
    )
