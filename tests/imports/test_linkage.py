"""Imported people are matched with the people already held, after their batch has loaded."""

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.imports.models import ImportBatch
from casebridge.imports.services import batch_link
from casebridge.incidents.models import Incident
from casebridge.linkage.models import MatchReview
from tests.imports.factories import analyst, offence, offences_csv, police, run_import
from tests.linkage.factories import current_model, person

pytestmark = pytest.mark.django_db


def test_without_a_model_the_batch_loads_and_says_linkage_is_waiting():
    batch = run_import(actor=analyst(), supplied_by=police(), content=offences_csv(offence()))
    assert batch.status == ImportBatch.Status.LOADED
    assert batch.linkage.startswith("Not matched with people already held:")
    assert "casebridge linkage train" in batch.linkage


def test_an_imported_victim_held_already_is_linked_to_the_existing_record():
    current_model()
    held = person("Amira", "Hussain")
    batch = run_import(
        actor=analyst(),
        supplied_by=police(),
        content=offences_csv(offence(victim_given_name="Amira", victim_family_name="Husain")),
    )
    imported = Incident.objects.get().victim
    imported.refresh_from_db()
    assert imported.merged_into == held
    assert batch.linkage.startswith("1 linked to people already held, 0 waiting")


def test_a_near_match_waits_for_review_and_the_batch_counts_it():
    current_model(upper=60.0, lower=0.0)
    held = person("Amira", "Hussain")
    batch = run_import(actor=analyst(), supplied_by=police(), content=offences_csv(offence()))
    review = MatchReview.objects.get()
    assert review.existing == held and review.source == f"import batch {batch.pk}"
    assert "1 waiting for an analyst to review" in batch.linkage


def test_a_batch_loaded_before_the_model_is_matched_once_there_is_one():
    actor = analyst()
    held = person("Amira", "Hussain")
    batch = run_import(actor=actor, supplied_by=police(), content=offences_csv(offence()))
    assert batch.linkage.startswith("Not matched")
    current_model()
    batch = batch_link(actor=actor, batch=batch)
    assert batch.linkage.startswith("1 linked to people already held")
    assert Incident.objects.get().victim.merged_into == held


def test_only_the_importing_agency_matches_its_batch():
    batch = run_import(actor=analyst(), supplied_by=police(), content=offences_csv(offence()))
    with pytest.raises(AccessDenied):
        batch_link(actor=analyst(), batch=batch)
