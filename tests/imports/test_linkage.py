"""Imported people are matched with the people already held, after their batch has loaded."""

import io

import pytest
from django.core.management import CommandError, call_command

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


def test_matching_a_batch_after_the_one_it_merged_into_counts_its_people_as_linked():
    actor = analyst()
    first = run_import(actor=actor, supplied_by=police(), content=offences_csv(offence()))
    second = run_import(
        actor=actor,
        supplied_by=police(),
        content=offences_csv(offence(crime_reference="01/0000002/22", victim_family_name="Husain")),
    )
    current_model()
    batch_link(actor=actor, batch=second)  # the second batch's victim merges into the first's

    first = batch_link(actor=actor, batch=first)

    assert first.linkage.startswith("1 linked to people already held (1 of them before this run)")
    assert first.linkage.endswith("0 new.")


def test_linkage_match_command_matches_a_batch_imported_before_the_model():
    actor = analyst()
    held = person("Amira", "Hussain")
    batch = run_import(actor=actor, supplied_by=police(), content=offences_csv(offence()))
    current_model()
    out = io.StringIO()

    call_command("linkage", "match", "--batch", str(batch.pk), "--as", actor.username, stdout=out)

    assert out.getvalue().startswith(f"Import batch {batch.pk}: 1 linked to people already held")
    assert Incident.objects.get().victim.merged_into == held


def test_linkage_match_command_says_why_when_there_is_no_model():
    actor = analyst()
    batch = run_import(actor=actor, supplied_by=police(), content=offences_csv(offence()))
    with pytest.raises(CommandError, match="no trained linkage model"):
        call_command("linkage", "match", "--batch", str(batch.pk), "--as", actor.username)
