"""Confirming a band of pairs at once, with the band's estimated precision."""

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.linkage.calibration import band_precision
from casebridge.linkage.models import MatchReview
from casebridge.linkage.services import BAND_LIMIT, band_estimate, decisions, match_confirm_band
from casebridge.linkage.thresholds import calibration_targets
from tests.factories import UserFactory, role
from tests.linkage.factories import analyst, current_model, pending_review, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def band():
    current_model()
    return [pending_review(person(), person(), weight=weight) for weight in (12, 13.5, 15.9)]


def _confirm(user, reviews, lower=12.0, upper=16.0):
    return match_confirm_band(
        actor=user, lower=lower, upper=upper, review_ids=[r.pk for r in reviews]
    )


def test_the_estimate_of_a_band_lies_between_its_weakest_and_strongest_weights(band):
    targets = calibration_targets()
    weakest, strongest = (
        band_precision(weight=weight, confirmed=0, rejected=0, targets=targets)
        for weight in (12, 15)
    )

    estimate = band_estimate(actor=analyst(), lower=12, upper=16)

    assert weakest <= estimate.expected_precision <= strongest
    assert estimate.from_decisions == 0
    assert estimate.observed_precision is None


def test_confirming_a_band_confirms_each_pair_and_keeps_the_band_on_it(band):
    user = analyst()
    outside = pending_review(person(), person(), weight=17)

    outcome = _confirm(user, [*band, outside])

    assert set(outcome.confirmed) == {r.pk for r in band}
    assert outcome.skipped == [outside.pk]
    for review in MatchReview.objects.filter(pk__in=[r.pk for r in band]):
        assert review.status == MatchReview.Status.CONFIRMED
        assert review.decided_by == user
        assert review.decided_in_band["lower"] == 12
        assert review.decided_in_band["expected_precision"] > 0.99
        assert review.match_weight >= 12  # a label the calibration reads: weight and outcome
    assert MatchReview.objects.get(pk=outside.pk).status == MatchReview.Status.PENDING


def test_a_band_confirmed_is_one_audit_entry_with_the_ids(band):
    user = analyst()
    _confirm(user, band)

    entry = AuditEvent.objects.get(actor=user, object_type="identity", action="change")
    assert sorted(entry.changes["confirmed"]) == sorted(str(r.pk) for r in band)
    assert entry.changes["band"]["lower"] == 12 and entry.changes["band"]["upper"] == 16
    assert "estimated precision" in entry.summary


def test_decisions_in_a_band_feed_its_next_estimate(band):
    _confirm(analyst(), band[:2])

    estimate = band_estimate(actor=analyst(), lower=12, upper=16)

    assert estimate.from_decisions == 2
    assert estimate.observed_precision == 1.0


def test_no_more_than_the_limit_at_once(band):
    too_many = band * (BAND_LIMIT // len(band) + 1)
    with pytest.raises(ApplicationError, match=f"at most {BAND_LIMIT}"):
        _confirm(analyst(), too_many)
    assert not MatchReview.objects.filter(status=MatchReview.Status.CONFIRMED).exists()


def test_a_pair_the_confirm_service_refuses_stays_in_the_queue_and_the_rest_are_confirmed(
    band, monkeypatch
):
    refused = band[1]
    merge = decisions.merge_records

    def refusing(**kwargs):
        if kwargs["duplicate_id"] == str(refused.incoming_id):
            raise ApplicationError("Two different NHS numbers: these are not one person.")
        return merge(**kwargs)

    monkeypatch.setattr(decisions, "merge_records", refusing)

    outcome = _confirm(analyst(), band)

    assert outcome.refused == [(refused.pk, "Two different NHS numbers: these are not one person.")]
    assert set(outcome.confirmed) == {band[0].pk, band[2].pk}
    assert MatchReview.objects.get(pk=refused.pk).status == MatchReview.Status.PENDING


def test_a_band_upside_down_is_refused(band):
    with pytest.raises(ApplicationError, match="below"):
        _confirm(analyst(), band, lower=16, upper=12)


@pytest.mark.parametrize("role_code", ["practitioner", "panel_coordinator", "manager"])
def test_only_analysts_confirm_a_band(band, role_code):
    with pytest.raises(AccessDenied):
        _confirm(UserFactory(role=role(role_code)), band)
    assert not MatchReview.objects.exclude(status=MatchReview.Status.PENDING).exists()
