"""A publication: numbers are stated before anything prints, and only as one consistent model."""

import pytest

from casebridge.analytics.disclosure import (
    EXACT_METHOD,
    Base,
    Count,
    DisclosureError,
    Linear,
    Publication,
)

A, B = Base("referrals", "Q1"), Base("referrals", "Q2")


def test_a_count_computed_twice_must_agree():
    publication = Publication()
    publication.base(A, 4)
    publication.base(A, 4)
    with pytest.raises(DisclosureError):
        publication.base(A, 5)


def test_a_relation_is_checked_against_the_counts():
    publication = Publication()
    total = publication.base(Base("referrals", "H1"), 9)
    parts = publication.base(A, 4) + publication.base(B, 5)
    publication.relate(parts - total, 0, 0)
    with pytest.raises(DisclosureError):
        publication.relate(parts - total, 1, 1)


def test_nothing_prints_before_the_pass_and_nothing_is_stated_after_it():
    publication = Publication()
    key = publication.state("referrals Q1", Count(publication.base(A, 4)))
    with pytest.raises(DisclosureError):
        publication.shown(key)
    publication.settle(EXACT_METHOD)
    assert publication.shown(key).text == "4"
    with pytest.raises(DisclosureError):
        publication.state("referrals Q2", Count(publication.base(B, 5)))


def test_a_key_names_one_figure():
    publication = Publication()
    publication.state("referrals", Count(publication.base(A, 4)))
    with pytest.raises(DisclosureError):
        publication.state("referrals", Count(publication.base(B, 5)))


def test_a_figure_is_stated_over_counts_whose_values_are_known():
    with pytest.raises(DisclosureError):
        Publication().state("referrals", Count(Linear.base(A)))
