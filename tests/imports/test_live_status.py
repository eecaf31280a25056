"""A batch page shows its matching outcome without a reload: while identity resolution works on
the people it recorded, the page says so and polls; the outcome then fills in the line."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.imports.models import ImportBatch
from tests.factories import UserFactory, role
from tests.imports.factories import analyst, matrix_batch

pytestmark = pytest.mark.django_db

OUTCOME = "1 linked to people already held, 0 waiting for an analyst to review, 0 new."


@pytest.fixture
def user():
    return analyst()


@pytest.fixture
def batch(user):
    """Loaded a moment ago; its people are being matched."""
    batch = matrix_batch(user.agency)
    ImportBatch.objects.filter(pk=batch.pk).update(linkage="", finished_at=timezone.now())
    return batch


def _progress(client, batch):
    return client.get(reverse("imports:batch_progress", args=[batch.pk]))


def test_while_its_people_are_matched_the_page_says_so_and_polls(user, batch, signed_in_client):
    page = signed_in_client(user).get(reverse("imports:batch_detail", args=[batch.pk]))

    text = page.content.decode()
    assert "Matching these people with the people already held." in text
    assert 'aria-live="polite" data-linkage' in text
    assert f'data-import-matching="{reverse("imports:batch_progress", args=[batch.pk])}"' in text
    assert "Refresh this page</a> to see how many were linked" in text  # without scripts
    assert "imports/progress" in text


def test_the_endpoint_says_matching_then_gives_the_outcome(user, batch, signed_in_client):
    client = signed_in_client(user)
    assert _progress(client, batch).json()["matching"] is True

    ImportBatch.objects.filter(pk=batch.pk).update(linkage=OUTCOME)

    progress = _progress(client, batch).json()
    assert progress["matching"] is False
    assert progress["linkage"] == OUTCOME


def test_once_matched_the_page_shows_the_outcome_and_no_longer_polls(user, batch, signed_in_client):
    ImportBatch.objects.filter(pk=batch.pk).update(linkage=OUTCOME)

    text = signed_in_client(user).get(reverse("imports:batch_detail", args=[batch.pk])).content
    assert OUTCOME in text.decode()
    assert b"imports/progress" not in text and b"data-import-matching" not in text


def test_matching_silent_for_longer_than_any_step_is_not_shown_as_running(
    user, batch, signed_in_client
):
    ImportBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    assert _progress(signed_in_client(user), batch).json()["matching"] is False


def test_another_agencys_analyst_gets_a_404(batch, signed_in_client):
    assert _progress(signed_in_client(analyst()), batch).status_code == 404


@pytest.mark.parametrize("role_code", ["practitioner", "panel_coordinator", "manager", "auditor"])
def test_other_roles_of_the_same_agency_get_a_404(role_code, user, batch, signed_in_client):
    client = signed_in_client(UserFactory(role=role(role_code), agency=user.agency))
    assert _progress(client, batch).status_code == 404


def test_a_guessed_batch_id_gets_a_404(user, batch, signed_in_client):
    response = signed_in_client(user).get(reverse("imports:batch_progress", args=[batch.pk + 1]))
    assert response.status_code == 404
