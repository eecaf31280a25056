"""A run records how its work went, and whoever started it hears of a failure without hunting
for it. (The immediate backend runs each task as it is queued: the queue itself is
test_worker.py's.)"""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from casebridge.audit.models import AuditEvent
from casebridge.jobs.leases import lease
from casebridge.jobs.models import TaskRun
from casebridge.jobs.services import (
    GAVE_UP,
    MAX_ATTEMPTS,
    UNEXPECTED,
    run_abandoned,
    run_enqueue,
    run_started,
    runs_recover,
)
from casebridge.notifications.models import Notification
from tests.factories import UserFactory
from tests.jobs import tasks

pytestmark = pytest.mark.django_db


def test_a_run_that_finishes_is_done_with_what_it_did():
    user = UserFactory()
    run = run_enqueue(task=tasks.succeeds, title="Count the records", started_by=user)
    assert (run.status, run.outcome, run.attempts) == (
        TaskRun.Status.DONE,
        "Counted the records.",
        1,
    )
    assert not Notification.objects.exists()
    entry = AuditEvent.objects.get(object_type="task_run", object_id=str(run.pk))
    assert (entry.actor, entry.summary) == (user, "Asked for: count the records")


def test_a_refused_run_fails_with_the_reason_and_its_starter_is_told(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="analyst@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        run = run_enqueue(task=tasks.refuses, title="Train the linkage model", started_by=user)

    assert run.status == TaskRun.Status.FAILED
    assert run.error == "Training needs at least 200 people and 12 are recorded."
    notification = Notification.objects.get(user=user)
    assert notification.text == (
        "Train the linkage model: failed. Training needs at least 200 people and 12 are recorded."
    )
    assert notification.link == f"/background/{run.pk}/"
    # The e-mail is only a link to the notifications page: nothing of what failed.
    (email,) = mail.outbox
    assert email.to == ["analyst@council.example"]
    assert "Training" not in email.body and "200" not in email.body
    assert "/notifications/" in email.body


def test_an_unexpected_error_is_told_in_plain_english_not_as_the_error():
    user = UserFactory()
    run = run_enqueue(task=tasks.breaks, title="Refresh the figures", started_by=user)
    assert (run.status, run.error) == (TaskRun.Status.FAILED, UNEXPECTED)
    assert "secret-internal-detail" not in Notification.objects.get(user=user).text


def test_an_attempt_that_is_no_longer_the_latest_does_nothing():
    user = UserFactory()
    run = run_enqueue(task=tasks.succeeds, title="Count the records", started_by=user)
    TaskRun.objects.filter(pk=run.pk).update(status=TaskRun.Status.QUEUED, attempts=2)
    with run_started(run_id=str(run.pk), attempt=1) as started:
        assert started is None
    run.refresh_from_db()
    assert run.status == TaskRun.Status.QUEUED


# --- a run whose worker died (the database backend's queue; test_worker.py kills a real one) --


@pytest.fixture
def queued(settings):
    """A run queued on the database backend, as a web request leaves it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return run_enqueue(task=tasks.succeeds, title="Count the records", started_by=UserFactory())


def _running(run: TaskRun, attempts: int = 1) -> None:
    """As a worker leaves it when it is killed mid-way: the queue's attempt claimed, the run
    running."""
    DBTaskResult.objects.filter(pk=run.result_id).update(status="RUNNING")
    TaskRun.objects.filter(pk=run.pk).update(status=TaskRun.Status.RUNNING, attempts=attempts)


def test_a_queued_run_and_a_running_run_whose_worker_lives_are_left_alone(queued):
    assert runs_recover() == []
    _running(queued)
    with lease(str(queued.pk)) as held:
        assert held
        assert runs_recover() == []
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (TaskRun.Status.RUNNING, 1)


def test_a_run_whose_worker_died_is_queued_again_and_audited(queued):
    _running(queued)

    (retried,) = runs_recover()

    assert (retried.status, retried.attempts) == (TaskRun.Status.QUEUED, 2)
    queue = DBTaskResult.objects.ready().get()
    assert queue.args_kwargs["kwargs"] == {"run_id": str(queued.pk), "attempt": 2}
    entry = AuditEvent.objects.get(object_id=str(queued.pk), summary__startswith="Tried again")
    assert entry.actor_username == "system"


def test_a_run_whose_worker_died_every_time_is_failed_and_its_starter_told(queued):
    _running(queued, attempts=MAX_ATTEMPTS)
    abandoned = []

    def heard(*, sender: type[TaskRun], run: TaskRun, **kwargs: object) -> None:
        abandoned.append(run.pk)

    run_abandoned.connect(heard, sender=TaskRun)
    try:
        (given_up,) = runs_recover()
    finally:
        run_abandoned.disconnect(heard, sender=TaskRun)

    assert (given_up.status, given_up.error) == (TaskRun.Status.FAILED, GAVE_UP)
    assert abandoned == [queued.pk]
    assert Notification.objects.get(user=queued.started_by).text.endswith(GAVE_UP)
