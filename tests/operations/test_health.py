"""Liveness and readiness, for a load balancer: no sign-in, and nothing said but ok or not."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.s3 import s3_endpoint, s3_storage

__all__ = ["s3_endpoint", "s3_storage"]

pytestmark = pytest.mark.django_db


def test_a_live_process_answers_anyone():
    response = Client().get(reverse("health:live"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_when_the_database_is_migrated_and_every_storage_takes_a_file(settings, tmp_path):
    settings.CASEBRIDGE_IMPORT_DIR = tmp_path / "imports"
    response = Client().get(reverse("health:ready"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert list((tmp_path / "imports").iterdir()) == []  # its probe file removed


def test_not_ready_when_a_storage_cannot_be_written_and_nothing_says_why(settings, tmp_path):
    blocked = tmp_path / "a-file-not-a-directory"
    blocked.write_text("")
    settings.CASEBRIDGE_SNAPSHOT_DIR = blocked
    response = Client().get(reverse("health:ready"))
    assert response.status_code == 503
    assert response.content == b'{"status": "unavailable"}'


def test_the_checks_refuse_to_change_anything():
    assert Client().post(reverse("health:ready")).status_code == 405


def test_ready_with_the_files_in_a_bucket(settings, s3_storage):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": s3_storage("imports"),
        "snapshots": s3_storage("snapshots"),
    }
    response = Client().get(reverse("health:ready"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
