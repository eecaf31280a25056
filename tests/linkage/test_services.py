"""Training, linking imported people, and an analyst's decisions on what linkage found."""

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.linkage import engine
from casebridge.linkage.calibration import operating_thresholds
from casebridge.linkage.models import LinkageModel, MatchReview, PersonMerge
from casebridge.linkage.records import current_people, linkage_records
from casebridge.linkage.services import (
    LinkageSummary,
    linkage_model_train,
    match_confirm,
    match_reject,
    merge_undo,
    people_link,
)
from casebridge.linkage.services.linking import household_pairs
from casebridge.linkage.services.merging import merge_row, merges_write
from casebridge.people.models import Person
from casebridge.people.selectors import survivors
from tests.factories import AddressFactory, UserFactory, role
from tests.linkage.factories import (
    analyst,
    current_model,
    pending_review,
    person,
    record_population,
    undated_class_model,
)

pytestmark = pytest.mark.django_db

# Scored by the test model against Amira Hussain, 8 March 1991, SE15 4QT: the same details with
# the family name misspelt about 24; misspelt and moved about 12; her sister about -1.
MISSPELT = {"family": "Hussein"}
MISSPELT_AND_MOVED = {"family": "Hussein", "postcode": "SW9 2LA"}
SISTER = {"given": "Fatima", "born": date(1994, 7, 21)}


@pytest.fixture
def actor():
    return analyst()


@pytest.fixture
def existing():
    return person()


def incoming(*, given="Amira", family="Hussain", born=date(1991, 3, 8), postcode="SE15 4QT"):
    return person(given, family, born, postcode=postcode)


# --- linking an import ---------------------------------------------------------------------


def test_a_match_above_the_upper_threshold_is_merged_into_the_existing_record(actor, existing):
    current_model()
    arrived = incoming(**MISSPELT)

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert summary == LinkageSummary(automatic=1, queued=0, new=0)
    arrived.refresh_from_db()
    assert arrived.merged_into == existing
    merge = PersonMerge.objects.get()
    assert (merge.duplicate, merge.survivor, merge.how) == (arrived, existing, "automatic")
    assert merge.merged_by == actor and merge.source == "import batch 12"
    assert {item["field"] for item in merge.evidence} >= {"given_name", "date_of_birth"}


def test_a_match_between_the_thresholds_waits_for_an_analyst(actor, existing):
    current_model()
    arrived = incoming(**MISSPELT_AND_MOVED)

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert summary == LinkageSummary(automatic=0, queued=1, new=0, pairs_queued=1)
    review = MatchReview.objects.get()
    assert (review.incoming, review.existing, review.status) == (arrived, existing, "pending")
    assert 6 <= review.match_weight < 20 and review.source == "import batch 12"
    arrived.refresh_from_db()
    assert arrived.merged_into is None


def test_the_outcome_of_a_run_reads_as_a_sentence_whatever_the_counts():
    one = LinkageSummary(automatic=0, queued=2, new=1, pairs_queued=1).sentence()
    many = LinkageSummary(automatic=3, queued=2, new=0, already=1, pairs_queued=2).sentence()

    assert one == (
        "0 linked to people already held, 2 waiting for an analyst to review (1 pair), 1 new."
    )
    assert "(1 of them before this run)" in many and "(2 pairs)" in many


def test_a_match_below_the_lower_threshold_is_a_new_person(actor, existing):
    current_model()
    arrived = incoming(given=SISTER["given"], born=SISTER["born"])

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert summary == LinkageSummary(automatic=0, queued=0, new=1)
    assert not MatchReview.objects.exists() and not PersonMerge.objects.exists()


def test_the_same_person_twice_in_the_first_import_becomes_one_record(actor):
    current_model()
    first, second = incoming(), incoming(**MISSPELT)  # nobody else is held yet

    people_link(actor=actor, person_ids=[first.pk, second.pk], source="import batch 12")

    second.refresh_from_db()
    assert second.merged_into == first


def test_two_copies_of_a_held_person_in_one_import_both_merge_into_the_held_record(actor, existing):
    current_model()
    copies = [incoming(), incoming(**MISSPELT)]

    summary = people_link(actor=actor, person_ids=[p.pk for p in copies], source="import batch 12")

    assert summary == LinkageSummary(automatic=2, queued=0, new=0)
    assert {copy.pk for copy in existing.merged_records.all()} == {copy.pk for copy in copies}


def test_linking_again_never_queues_a_pair_twice(actor, existing):
    current_model()
    arrived = incoming(**MISSPELT_AND_MOVED)
    people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    again = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert again == LinkageSummary(automatic=0, queued=1, new=0)  # still waiting
    assert MatchReview.objects.count() == 1


def test_a_run_is_audited_once_with_its_counts_and_no_names(actor, existing):
    current_model()
    people_link(actor=actor, person_ids=[incoming(**MISSPELT).pk], source="import batch 12")

    entry = AuditEvent.objects.get(object_type="identity")
    assert entry.actor == actor and entry.action == "change"
    assert (entry.changes["automatic"], entry.changes["queued"], entry.changes["new"]) == (1, 0, 0)
    assert "Hussain" not in entry.summary and "Hussein" not in str(entry.changes)


def test_linking_without_a_trained_model_says_how_to_train_one(actor, existing):
    with pytest.raises(ApplicationError, match="linkage train"):
        people_link(actor=actor, person_ids=[incoming().pk], source="import batch 12")


@pytest.mark.parametrize("role_code", ["practitioner", "panel_coordinator", "manager"])
def test_only_analysts_link(role_code, existing):
    current_model()
    with pytest.raises(AccessDenied):
        people_link(actor=UserFactory(role=role(role_code)), person_ids=[incoming().pk], source="x")


# --- an analyst's decisions ----------------------------------------------------------------


def test_confirming_a_pair_merges_the_incoming_record(actor, existing):
    arrived = incoming(**MISSPELT_AND_MOVED)
    review = pending_review(arrived, existing)

    merge = match_confirm(actor=actor, review=review)

    arrived.refresh_from_db()
    review.refresh_from_db()
    assert arrived.merged_into == existing
    assert (merge.how, merge.review, merge.merged_by) == ("confirmed", review, actor)
    assert (review.status, review.decided_by) == ("confirmed", actor)


def test_confirming_follows_the_existing_record_to_its_survivor(actor, existing):
    survivor = person("Amira", "Hussain", None, postcode=None)
    existing.merged_into = survivor
    existing.save()
    arrived = incoming(**MISSPELT_AND_MOVED)

    match_confirm(actor=actor, review=pending_review(arrived, existing))

    arrived.refresh_from_db()
    assert arrived.merged_into == survivor


def test_a_pair_is_decided_once(actor, existing):
    review = pending_review(incoming(**MISSPELT_AND_MOVED), existing)
    match_reject(actor=actor, review=review)

    with pytest.raises(ApplicationError, match="decided already"):
        match_confirm(actor=actor, review=review)


def test_a_rejected_pair_is_never_queued_or_linked_again(actor, existing):
    current_model()
    arrived = incoming(**MISSPELT)  # strong enough to link automatically
    match_reject(actor=actor, review=pending_review(arrived, existing), reason="Twins")

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 13")

    assert summary == LinkageSummary(automatic=0, queued=0, new=1)
    assert MatchReview.objects.get().status == "rejected"
    assert not PersonMerge.objects.exists()


def test_a_rejection_is_audited_with_its_reason(actor, existing):
    review = match_reject(
        actor=actor, review=pending_review(incoming(), existing), reason="Different NHS numbers"
    )

    entry = AuditEvent.objects.get(object_type="match_review", object_id=str(review.pk))
    assert entry.reason == "Different NHS numbers" and entry.actor == actor


@pytest.mark.parametrize("role_code", ["practitioner", "panel_coordinator", "manager"])
def test_only_analysts_decide(role_code, existing):
    review = pending_review(incoming(), existing)
    with pytest.raises(AccessDenied):
        match_confirm(actor=UserFactory(role=role(role_code)), review=review)
    assert MatchReview.objects.get().status == "pending"


# --- undoing a merge -----------------------------------------------------------------------


def test_undoing_a_merge_restores_the_record_and_keeps_the_history(actor, existing):
    current_model()
    arrived = incoming(**MISSPELT)
    people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")
    merge = PersonMerge.objects.get()

    merge_undo(actor=actor, merge=merge, reason="Different NHS numbers: twins")

    arrived.refresh_from_db()
    merge.refresh_from_db()
    assert arrived.merged_into is None
    assert (merge.duplicate, merge.survivor) == (arrived, existing)
    assert merge.undone_by == actor and merge.undone_at is not None
    assert merge.undo_reason == "Different NHS numbers: twins"


def test_an_undone_merge_is_not_linked_again(actor, existing):
    current_model()
    arrived = incoming(**MISSPELT)
    people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")
    merge_undo(actor=actor, merge=PersonMerge.objects.get(), reason="Twins")

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert summary == LinkageSummary(automatic=0, queued=0, new=1)
    assert PersonMerge.objects.count() == 1
    arrived.refresh_from_db()
    assert arrived.merged_into is None


def test_undoing_a_confirmed_merge_rejects_the_reviewed_pair(actor, existing):
    review = pending_review(incoming(**MISSPELT_AND_MOVED), existing)
    merge = match_confirm(actor=actor, review=review)

    merge_undo(actor=actor, merge=merge, reason="Confirmed in error")

    review.refresh_from_db()
    assert review.status == "rejected" and "Confirmed in error" in review.decision_reason


def test_an_undo_needs_a_reason(actor, existing):
    current_model()
    people_link(actor=actor, person_ids=[incoming(**MISSPELT).pk], source="import batch 12")

    with pytest.raises(ApplicationError) as refused:
        merge_undo(actor=actor, merge=PersonMerge.objects.get(), reason="  ")

    assert refused.value.field == "reason"
    assert PersonMerge.objects.get().undone_at is None


def test_a_merge_is_undone_once(actor, existing):
    current_model()
    people_link(actor=actor, person_ids=[incoming(**MISSPELT).pk], source="import batch 12")
    merge_undo(actor=actor, merge=PersonMerge.objects.get(), reason="Twins")

    with pytest.raises(ApplicationError, match="undone already"):
        merge_undo(actor=actor, merge=PersonMerge.objects.get(), reason="Twins")


# --- the records and the model -------------------------------------------------------------


def test_a_confidential_address_never_enters_a_linkage_record():
    someone = person(postcode="SE15 4QT")
    AddressFactory(
        person=someone, postcode="ZZ9 9ZQ", valid_from=date(2024, 6, 1), is_confidential=True
    )

    (record,) = linkage_records(people=Person.objects.filter(pk=someone.pk))

    assert record["postcode"] == "SE15 4QT"
    assert "ZZ9 9ZQ" not in str(record)


def test_a_record_has_the_newest_open_postcode_and_no_merged_people_are_current():
    someone = person(postcode="SE15 4QT")
    AddressFactory(person=someone, postcode="SW9 2LA", valid_from=date(2024, 6, 1))
    merged = person(postcode=None)
    merged.merged_into = someone
    merged.save()

    records = linkage_records(people=current_people())

    assert [(r["unique_id"], r["postcode"]) for r in records] == [(str(someone.pk), "SW9 2LA")]


def test_training_stores_a_new_current_model_with_calibrated_thresholds(actor):
    record_population(actor.agency, records=600)
    previous = current_model()

    model = linkage_model_train(actor=actor)

    previous.refresh_from_db()
    assert model.is_current and not previous.is_current
    assert LinkageModel.objects.filter(is_current=True).get() == model
    assert model.version == previous.version + 1 and model.record_count == 600
    assert (model.trained_by, model.backend) == (actor, "duckdb")
    chosen = operating_thresholds(model=model)
    assert (model.upper_threshold, model.lower_threshold) == (chosen.upper, chosen.lower)
    assert model.settings["comparisons"] and model.settings["probability_two_random_records_match"]
    entry = AuditEvent.objects.get(object_type="linkage_model")
    assert entry.changes["records"] == 600 and entry.actor == actor


def test_thresholds_the_wrong_way_round_are_refused_before_training(actor):
    with pytest.raises(ApplicationError, match="lower threshold"):
        linkage_model_train(actor=actor, upper_threshold=5, lower_threshold=10)
    assert not LinkageModel.objects.exists()


def test_training_needs_enough_people_to_learn_from(actor):
    person()
    with pytest.raises(ApplicationError, match="at least 200 people"):
        linkage_model_train(actor=actor)
    assert not LinkageModel.objects.exists()


def test_only_analysts_train():
    with pytest.raises(AccessDenied):
        linkage_model_train(actor=UserFactory(role=role("practitioner")))


def test_two_records_both_held_are_linked_when_they_clear_the_bar(actor, existing):
    current_model()
    held_copy = incoming()  # recorded before this run, never matched
    arrived = incoming(family="Husain")

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 13")

    assert summary == LinkageSummary(automatic=1, queued=0, new=0)
    ids = [existing.pk, held_copy.pk, arrived.pk]
    assert len(set(survivors(person_ids=ids).values())) == 1


def test_with_thresholds_given_a_person_without_a_date_of_birth_waits_for_an_analyst(
    actor, existing
):
    current_model()
    arrived = incoming(born=None)

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert summary.automatic == 0 and summary.automatic + summary.queued + summary.new == 1
    assert not PersonMerge.objects.exists()


def test_a_pair_without_a_date_of_birth_is_linked_when_its_class_clears_the_bar(actor, existing):
    undated_class_model(one_person=1.0)
    arrived = incoming(born=None)

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert summary == LinkageSummary(automatic=1, queued=0, new=0)
    assert survivors(person_ids=[arrived.pk])[arrived.pk] == existing.pk


def test_a_same_named_father_and_son_without_a_date_of_birth_are_not_merged(actor):
    # Nothing but the dates tells them apart, and in the data one pair in a hundred that agree
    # on all else is two people: the pair waits for an analyst.
    undated_class_model(one_person=0.99)
    father = person("David", "Okafor", date(1971, 5, 2), sex=Person.Sex.MALE, postcode="E8 3PL")
    son = person("David", "Okafor", None, sex=Person.Sex.MALE, postcode="E8 3PL")

    summary = people_link(actor=actor, person_ids=[son.pk], source="import batch 12")

    assert summary == LinkageSummary(automatic=0, queued=1, new=0, pairs_queued=1)
    assert not PersonMerge.objects.exists()
    assert MatchReview.objects.get().existing_id == father.pk


def test_an_undated_record_with_two_of_its_name_on_file_waits_when_that_falls_short(actor):
    # Undated pairs link automatically unless another of the name is on file with a date of
    # birth more than a year apart: then one in ten such pairs is two people.
    model = undated_class_model(one_person=1.0)
    extras = model.settings["casebridge"]
    extras["undated_bands"] += [[w, 100.0, 1] for w in range(-10, 41)]
    extras["undated_evidence"] += [
        row for w in range(-10, 41) for row in ([w, 40.0, 900.0, 1], [w, -10.0, 100.0, 1])
    ]
    model.save(update_fields=["settings"])
    father = person("David", "Okafor", date(1971, 5, 2), sex=Person.Sex.MALE, postcode="E8 3PL")
    person("David", "Okafor", date(2004, 9, 17), sex=Person.Sex.MALE, postcode="E8 3PL")
    undated = person("David", "Okafor", None, sex=Person.Sex.MALE, postcode="E8 3PL")

    summary = people_link(actor=actor, person_ids=[undated.pk], source="import batch 12")

    assert (summary.automatic, summary.queued) == (0, 1)
    assert not PersonMerge.objects.exists()
    assert MatchReview.objects.filter(existing=father, status="pending").exists()


def test_household_pairs_are_undated_records_with_another_of_their_name_a_year_apart():
    def pair(left, right, weight=15.0):
        return engine.ScoredPair(left, right, weight, 1.0, ())

    born = {"father": "1971-05-02", "son": "2004-09-17", "undated": None, "brother": "1972-01-01"}
    pairs = [pair("undated", "father"), pair("undated", "son"), pair("undated", "brother", 8.0)]
    assert household_pairs(pairs=pairs, born=born, weight=10.0) == {
        ("undated", "father"),
        ("undated", "son"),
        ("undated", "brother"),
    }
    # Alone with one of its name, or beside a near-twin of it, nothing is flagged.
    assert household_pairs(pairs=pairs[:1], born=born, weight=10.0) == set()
    near = born | {"son": "1971-09-01"}
    assert household_pairs(pairs=pairs[:2], born=near, weight=10.0) == set()


def test_the_counts_of_a_run_add_up_to_its_people(actor, existing):
    current_model()
    people = [incoming(), incoming(**MISSPELT_AND_MOVED), incoming(**SISTER), incoming(born=None)]

    summary = people_link(actor=actor, person_ids=[p.pk for p in people], source="import batch 12")

    assert summary.automatic + summary.queued + summary.new == len(people)


def test_a_merge_of_two_records_both_held_can_be_undone(actor, existing):
    current_model()
    held_copy = incoming()
    people_link(actor=actor, person_ids=[incoming(family="Husain").pk], source="import batch 13")
    merge = PersonMerge.objects.get(
        duplicate__in=[existing, held_copy], survivor__in=[existing, held_copy]
    )

    merge_undo(actor=actor, merge=merge, reason="Twins")

    merge.duplicate.refresh_from_db()
    assert merge.duplicate.merged_into is None
    assert MatchReview.objects.filter(status="rejected").exists()


def test_merges_written_together_are_refused_whole_if_one_was_merged_meanwhile(actor, existing):
    first, second, elsewhere = person("Amy", "One"), person("Bea", "Two"), person("Cat", "Three")
    Person.objects.filter(pk=second.pk).update(merged_into=elsewhere)
    rows = [
        merge_row(
            actor=actor,
            duplicate_id=duplicate.pk,
            survivor_id=existing.pk,
            weight=20.0,
            probability=1.0,
            evidence=[],
            source="import batch 12",
            merged_at=timezone.now(),
        )
        for duplicate in (first, second)
    ]

    with pytest.raises(ApplicationError), transaction.atomic():
        merges_write(rows)

    first.refresh_from_db()
    assert first.merged_into is None and not PersonMerge.objects.exists()
