"""The daily audit anchor, as the worker's schedule runs it: signed, exported and recorded; a
missing key fails the run, and the system administrators are told which setting to give."""

import pytest

from casebridge.audit.anchors import anchor_storage, new_key_pair
from casebridge.jobs.models import TaskRun
from casebridge.jobs.services import run_enqueue
from casebridge.notifications.models import Notification
from casebridge.operations.tasks import audit_anchor
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db


def _anchor_run() -> TaskRun:
    run = run_enqueue(task=audit_anchor, title="Sign the audit chain's head", started_by=None)
    run.refresh_from_db()
    return run


def test_the_daily_run_signs_and_exports_the_chains_head(settings, tmp_path):
    settings.CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE = str(tmp_path / "anchor.pem")
    new_key_pair(tmp_path / "anchor.pem")
    before = set(anchor_storage().listdir("")[1])

    run = _anchor_run()

    assert run.status == TaskRun.Status.DONE
    assert run.outcome.startswith("The audit chain was anchored at entry ")
    (exported,) = set(anchor_storage().listdir("")[1]) - before
    assert exported.startswith("anchor-") and exported.endswith(".json")


def test_without_a_key_the_run_fails_and_the_administrators_are_told_which_setting(settings):
    settings.CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE = ""
    administrator = UserFactory(role=role("sysadmin"))
    practitioner = UserFactory()

    run = _anchor_run()

    assert run.status == TaskRun.Status.FAILED
    assert "CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE" in run.error
    (told,) = Notification.objects.filter(user=administrator).values_list("text", flat=True)
    assert told.startswith("Sign the audit chain's head (scheduled): failed. Set ")
    assert not Notification.objects.filter(user=practitioner).exists()
