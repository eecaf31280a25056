"""Merge chains walked to the end, however long: after several imports a record may be merged
into one that was merged in turn, and so on."""

from itertools import pairwise

import pytest

from casebridge.linkage.clusters import survivor_of, survivors
from casebridge.linkage.models import PersonMerge
from casebridge.linkage.queue import queued_pairs
from casebridge.linkage.services import match_confirm
from casebridge.linkage.services.merging import merge_records
from casebridge.people.models import Person
from tests.linkage.factories import analyst, merge_of, pending_review, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Six records of one person, merged one into the next by five imports: the last survives."""
    records = [person() for _ in range(6)]
    by = analyst()
    for duplicate, survivor in pairwise(records):
        merge_of(duplicate, survivor, by=by)
    return records


def test_every_record_of_a_chain_of_five_merges_resolves_to_the_last(chain):
    stranger = person("Kyle", "Bennett")

    found = survivors(person_ids=[r.pk for r in chain] + [stranger.pk])

    assert {found[r.pk] for r in chain} == {chain[-1].pk}
    assert found[stranger.pk] == stranger.pk
    assert survivor_of(chain[0].pk) == chain[-1].pk


def test_a_pair_within_a_chain_of_five_merges_is_never_queued(chain):
    pending_review(chain[0], chain[4])
    assert len(queued_pairs()) == 0


def test_pairs_through_a_chain_to_the_same_other_person_are_one_question(chain):
    other = person("Amira", "Hussein")
    weaker = pending_review(chain[0], other, weight=9)
    stronger = pending_review(other, chain[3], weight=14)

    assert [pair.review_id for pair in queued_pairs()] == [stronger.pk]
    assert weaker.pk not in {pair.review_id for pair in queued_pairs()}


def test_confirming_a_pair_merges_into_the_end_of_the_chain(chain):
    other = person("Amira", "Hussein")
    review = pending_review(other, chain[1])

    merge = match_confirm(actor=analyst(), review=review)

    other.refresh_from_db()
    assert merge.survivor_id == chain[-1].pk
    assert other.merged_into_id == chain[-1].pk


def test_a_merge_into_a_merged_record_goes_to_the_end_of_its_chain(chain):
    other = person("Amira", "Hussein")

    merge = merge_records(
        actor=analyst(),
        duplicate_id=other.pk,
        survivor_id=chain[2].pk,
        how=PersonMerge.How.CONFIRMED,
        weight=15.0,
        probability=0.99997,
        evidence=[],
        source="import batch 6",
    )

    assert merge.survivor_id == chain[-1].pk
    assert Person.objects.get(pk=other.pk).merged_into_id == chain[-1].pk
