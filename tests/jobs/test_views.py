"""A run's page is its starter's: it shows the state, what it did and a failure in plain
English; anyone else, guessing or knowing the id, gets a 404."""

import uuid

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.jobs.models import TaskRun
from tests.factories import UserFactory
from tests.jobs.factories import TaskRunFactory

pytestmark = pytest.mark.django_db


def _page(client, run_id):
    return client.get(reverse("jobs:run_detail", args=[run_id]))


def _status(client, run_id):
    return client.get(reverse("jobs:run_status", args=[run_id]))


def test_the_starter_sees_a_failure_in_plain_english(signed_in_client):
    run = TaskRunFactory(
        status=TaskRun.Status.FAILED,
        error="Training needs at least 200 people and 12 are recorded.",
    )
    page = _page(signed_in_client(run.started_by), run.pk)
    text = page.content.decode()
    assert page.status_code == 200
    assert 'role="alert"' in text and "Refresh the figures: failed" in text
    assert "Training needs at least 200 people and 12 are recorded." in text


def test_the_starter_sees_a_running_run_and_its_page_follows_it(signed_in_client):
    run = TaskRunFactory()
    client = signed_in_client(run.started_by)
    page = _page(client, run.pk).content.decode()
    assert "data-status>Running</strong> Refresh the figures." in page
    assert "jobs/status.mjs" in page
    status = _status(client, run.pk).json()
    assert status == {
        "status": "running",
        "status_label": "Running",
        "finished": False,
        "error": "",
        "outcome": "",
    }


def test_another_user_gets_a_404_for_a_run_they_did_not_start(signed_in_client):
    run = TaskRunFactory(status=TaskRun.Status.FAILED, error="Nothing was loaded.")
    stranger = signed_in_client(UserFactory(agency=run.started_by.agency))
    assert _page(stranger, run.pk).status_code == 404
    assert _status(stranger, run.pk).status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_id=str(run.pk)).exists()


def test_a_guessed_id_gets_the_same_404(signed_in_client):
    client = signed_in_client(TaskRunFactory().started_by)
    assert _page(client, uuid.uuid4()).status_code == 404
    assert _status(client, uuid.uuid4()).status_code == 404


def test_a_schedules_run_is_nobodys_page(signed_in_client):
    run = TaskRunFactory(started_by=None)
    assert _page(signed_in_client(UserFactory()), run.pk).status_code == 404
