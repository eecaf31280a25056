"""The review queue: ordered by what a decision changes, filtered by batch, each pair once."""

import pytest

from casebridge.linkage.models import MatchReview
from casebridge.linkage.queue import queue_sources, queued_pairs
from casebridge.pathways.models import Pathway
from tests.factories import CaseFactory
from tests.linkage.factories import analyst, merge_of, pending_review, person

pytestmark = pytest.mark.django_db


def _ids(pairs):
    return [pair.review_id for pair in pairs]


def test_a_pair_that_would_join_a_marac_victims_records_comes_first():
    strongest = pending_review(person(), person(), weight=18)
    victim = person()
    CaseFactory(subject=victim, state="closed")
    marac_pair = pending_review(person(), victim, weight=8)
    open_case = person()
    CaseFactory(subject=open_case, pathway=Pathway.objects.get(code="idva"), state="referred")
    open_pair = pending_review(open_case, person(), weight=7)

    queue = queued_pairs()

    assert _ids(queue) == [marac_pair.pk, open_pair.pk, strongest.pk]
    assert [pair.priority for pair in queue] == ["MARAC victim", "Open case", None]


def test_a_victims_record_merged_into_another_still_puts_the_pair_first():
    victim, survivor = person(), person()
    CaseFactory(subject=victim)
    merge_of(victim, survivor, by=analyst())
    other = pending_review(person(), person(), weight=18)
    marac_pair = pending_review(person(), survivor, weight=8)

    assert _ids(queued_pairs()) == [marac_pair.pk, other.pk]


def test_a_closed_case_outside_marac_gives_no_priority():
    closed = person()
    CaseFactory(subject=closed, pathway=Pathway.objects.get(code="idva"), state="closed")
    strong = pending_review(person(), person(), weight=15)
    weak = pending_review(closed, person(), weight=9)

    assert _ids(queued_pairs()) == [strong.pk, weak.pk]


def test_the_queue_of_one_batch_holds_only_its_pairs():
    first = pending_review(person(), person())
    later = pending_review(person(), person())
    later.source = "import batch 12"
    later.save()

    assert _ids(queued_pairs(source="import batch 12")) == [later.pk]
    assert _ids(queued_pairs(source="import batch 1")) == [first.pk]
    assert queue_sources() == ["import batch 1", "import batch 12"]


def test_pairs_of_the_same_two_people_are_shown_once_the_strongest():
    amira, amira_again, kyle = person(), person(), person("Kyle", "Bennett")
    merge_of(amira_again, amira, by=analyst())
    pending_review(amira_again, kyle, weight=9)
    strongest = pending_review(kyle, amira, weight=11)

    assert _ids(queued_pairs()) == [strongest.pk]


def test_two_people_an_analyst_said_are_different_are_not_asked_again_through_other_records():
    amira, amira_again, kyle = person(), person(), person("Kyle", "Bennett")
    rejected = pending_review(amira, kyle)
    rejected.status = MatchReview.Status.REJECTED
    rejected.save()
    pending_review(amira_again, kyle)
    merge_of(amira_again, amira, by=analyst())

    assert len(queued_pairs()) == 0


def test_a_band_is_from_its_lower_weight_up_to_but_not_including_its_upper():
    pending_review(person(), person(), weight=16)
    inside = pending_review(person(), person(), weight=12)
    pending_review(person(), person(), weight=11.9)

    assert _ids(queued_pairs(lower=12, upper=16)) == [inside.pk]
