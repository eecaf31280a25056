"""Starting background work and keeping its record: a run enqueued (by a user's request or a
schedule), started by a worker, how it ended, and runs whose worker died retried. (An import's
progress is its batch's, shown on the batch's page.)

A run's attempt is the key every step checks: a worker starts the run only if the attempt it
was given is still the latest and no live worker holds the run's lease (leases.py), so a run is
never worked on twice at once, even when a worker thought dead turns out late."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import default_task_backend
from django_tasks.base import Task, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from casebridge.accounts.models import User
from casebridge.accounts.services import ADMINISTRATOR_ROLE
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.jobs.leases import is_held, lease, lease_forget
from casebridge.jobs.models import Schedule, ScheduledRun, TaskRun
from casebridge.jobs.schedules import due_at
from casebridge.notifications.services import notify

logger = logging.getLogger(__name__)

# A run whose worker died this many times is failed rather than tried again: the work itself
# may be what kills it (a file that exhausts memory, say).
MAX_ATTEMPTS = 3
UNEXPECTED = (
    "It stopped on an unexpected error. The error has been logged for the system "
    "administrator; try again later."
)
GAVE_UP = (
    f"Its worker stopped {MAX_ATTEMPTS} times before it finished (a restart or a crash), so "
    "it was not tried again."
)

# Sent, with the run, when a run is given up after its worker died MAX_ATTEMPTS times: the
# app whose work it was tidies up what the attempts left (imports fails the batch).
run_abandoned = Signal()


def _enqueue(run: TaskRun) -> None:
    """Queue the run's next attempt, inside the caller's transaction: with the database
    backend the queue's row commits with the run's, or neither does."""
    run.attempts += 1
    run.status, run.started_at = TaskRun.Status.QUEUED, None
    run.save(update_fields=["attempts", "status", "started_at"])
    task: Task[..., Any] = import_string(run.task)
    result = task.enqueue(run_id=str(run.pk), attempt=run.attempts)
    TaskRun.objects.filter(pk=run.pk).update(result_id=result.id)


def run_enqueue(
    *,
    task: Task[..., Any],
    title: str,
    started_by: User | None,
    about: str = "",
    link: str = "",
    arguments: dict[str, Any] | None = None,
) -> TaskRun:
    """Record a run of ``task`` and queue it; the task is called with the run's id and
    attempt, and reads its ``arguments`` from the run (see ``run_started``)."""
    with transaction.atomic():
        run = TaskRun.objects.create(
            task=task.module_path,
            title=title,
            about=about,
            link=link,
            started_by=started_by,
            arguments=arguments or {},
        )
        audit_record(
            actor=started_by,
            actor_username="" if started_by else "system",
            action="create",
            object_type="task_run",
            object_id=run.pk,
            summary=f"Asked for: {title.lower()}",
            changes={"task": run.task, "about": about},
        )
        _enqueue(run)
    run.refresh_from_db()
    return run


@contextmanager
def run_started(*, run_id: str, attempt: int) -> Iterator[TaskRun | None]:
    """A task's body runs inside this: the run is marked running, held by this worker's lease,
    and marked done or failed (with a plain-English reason, and its starter notified) when the
    block ends. Yields None, and nothing is to be done, if the attempt is stale or another
    worker has the run."""
    with lease(run_id) as held:
        started = held and TaskRun.objects.filter(
            pk=run_id, attempts=attempt, status=TaskRun.Status.QUEUED
        ).update(status=TaskRun.Status.RUNNING, started_at=timezone.now())
        if not started:
            yield None
            return
        run = TaskRun.objects.select_related("started_by").get(pk=run_id)
        try:
            yield run
        except ApplicationError as error:
            run_fail(run=run, reason=error.message)
        except Exception:
            logger.exception("Background run %s (%s) stopped", run.pk, run.task)
            run_fail(run=run, reason=UNEXPECTED)
        else:
            run.status, run.finished_at = TaskRun.Status.DONE, timezone.now()
            run.save(update_fields=["status", "finished_at", "outcome"])
        finally:
            lease_forget(run_id)


def run_fail(*, run: TaskRun, reason: str) -> None:
    """The run failed: said on its page and to whoever started it; a scheduled run's failure
    (nobody started it) to the system administrators, and in the log (without the reason,
    as a log leaves the system's access controls)."""
    run.status, run.error, run.finished_at = TaskRun.Status.FAILED, reason, timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "outcome"])
    if run.started_by is not None:
        notify(
            user=run.started_by,
            text=f"{run.title}: failed. {reason}",
            link=reverse("jobs:run_detail", args=[run.pk]),
        )
        return
    logger.error("Scheduled run %s (%s) failed", run.pk, run.task)
    administrators = User.objects.filter(is_active=True, roles__code=ADMINISTRATOR_ROLE)
    for administrator in administrators.distinct():
        notify(user=administrator, text=f"{run.title} (scheduled): failed. {reason}")


def _attempt_lost(run: TaskRun) -> bool:
    """Whether the run's latest attempt will never finish it: its worker died while it ran, or
    the queue's attempt ended (or vanished) without starting it."""
    if run.status == TaskRun.Status.RUNNING:
        return not is_held(str(run.pk))
    try:
        result = default_task_backend.get_result(run.result_id)
    except TaskResultDoesNotExist:
        return bool(run.result_id)
    if result.status == TaskResultStatus.READY:
        return False
    # Claimed by a worker that has not (yet) taken the run: lost only if nobody holds it.
    return not is_held(str(run.pk))


def runs_recover() -> list[TaskRun]:
    """Try again each run whose worker died (kill -9, a crash, a restart) or fail it after
    MAX_ATTEMPTS; safe beside live workers and other schedulers. Returns the runs it touched."""
    if not default_task_backend.supports_get_result:
        return []  # a backend that runs tasks there and then leaves nothing unfinished
    touched = []
    unfinished = TaskRun.objects.filter(status__in=[TaskRun.Status.QUEUED, TaskRun.Status.RUNNING])
    for listed in unfinished.select_related("started_by"):
        if not _attempt_lost(listed):
            continue
        with transaction.atomic():
            run = (
                TaskRun.objects.select_for_update(of=("self",))
                .filter(pk=listed.pk, attempts=listed.attempts, status=listed.status)
                .select_related("started_by")
                .first()
            )
            if run is None:
                continue  # it moved on meanwhile
            if run.attempts >= MAX_ATTEMPTS:
                run_fail(run=run, reason=GAVE_UP)
                run_abandoned.send(sender=TaskRun, run=run)
                summary = f"Gave up {run.title.lower()}: {GAVE_UP}"
            else:
                _enqueue(run)
                summary = f"Tried again: {run.title.lower()} (its worker stopped)"
            audit_record(
                actor=None,
                actor_username="system",
                action="change",
                object_type="task_run",
                object_id=run.pk,
                summary=summary,
                changes={"attempts": run.attempts, "status": run.status},
            )
        touched.append(run)
    return touched


def schedules_enqueue_due(*, now: datetime | None = None) -> list[TaskRun]:
    """Queue each enabled schedule's latest due run, once: a due time already run (by this
    scheduler or another, at the same moment) is left, by the key on (schedule, due time)."""
    now = now or timezone.now()
    started = []
    for schedule in Schedule.objects.filter(enabled=True):
        due = due_at(schedule, now)
        if due is None or ScheduledRun.objects.filter(schedule=schedule, due_at=due).exists():
            continue
        try:
            with transaction.atomic():
                run = TaskRun.objects.create(
                    task=schedule.task, title=schedule.title, about=f"schedule:{schedule.name}"
                )
                ScheduledRun.objects.create(schedule=schedule, due_at=due, run=run)
                audit_record(
                    actor=None,
                    actor_username="system",
                    action="create",
                    object_type="task_run",
                    object_id=run.pk,
                    summary=f"Scheduled: {schedule.title.lower()}",
                    changes={"schedule": schedule.name, "due_at": due.isoformat()},
                )
                _enqueue(run)
        except IntegrityError:
            continue  # another scheduler queued this due time first
        started.append(run)
    return started
