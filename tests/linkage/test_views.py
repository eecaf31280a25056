"""Identity review pages: analysts see and decide; everyone else gets a 404."""

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.linkage.calibration import operating_thresholds
from casebridge.linkage.models import LinkageModel, MatchReview, PersonMerge
from casebridge.linkage.services import match_confirm
from tests.factories import AddressFactory, AgencyFactory, UserFactory, role
from tests.linkage.factories import (
    analyst,
    current_model,
    merge_of,
    pending_review,
    person,
    record_population,
    trained_settings,
)
from tests.world import CANARY, CANARY_POSTCODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return analyst()


@pytest.fixture
def pair():
    existing = person("Amira", "Hussain")
    AddressFactory(person=existing, line_1=CANARY, postcode=CANARY_POSTCODE, is_confidential=True)
    return pending_review(person("Amira", "Hussein", postcode="SW9 2LA"), existing)


def _review_url(name, review):
    return reverse(f"linkage:{name}", kwargs={"review_id": review.pk})


# --- the queue and a pair ------------------------------------------------------------------


def test_the_queue_lists_pending_pairs_and_is_audited(user, pair, signed_in_client):
    decided = pending_review(person("Zed", "Other"), person("Zed", "Other"))
    decided.status = MatchReview.Status.REJECTED
    decided.save()

    response = signed_in_client(user).get(reverse("linkage:review_list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert _review_url("review_detail", pair) in content
    assert _review_url("review_detail", decided) not in content
    assert "Amira Hussein" in content and "1 pair to review" in content
    entry = AuditEvent.objects.get(action="view", object_type="identity", actor=user)
    assert entry.changes["reviews"] == [str(pair.pk)]


def test_a_pair_shows_both_records_and_the_evidence_but_no_confidential_address(
    user, pair, signed_in_client
):
    response = signed_in_client(user).get(_review_url("review_detail", pair))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Amira Hussein" in content and "Amira Hussain" in content
    assert "SW9 2LA" in content and "8 March 1991" in content
    assert "Date of birth" in content and "Exact match" in content and "9.5" in content
    assert "Total match weight" in content and "12.0" in content
    assert CANARY not in content and CANARY_POSTCODE not in content
    assert AuditEvent.objects.filter(
        action="view", object_type="match_review", object_id=str(pair.pk)
    ).exists()


def test_confirming_a_pair_merges_it_and_returns_to_the_queue(user, pair, signed_in_client):
    response = signed_in_client(user).post(_review_url("review_confirm", pair))

    assert response.status_code == 302 and response["Location"] == reverse("linkage:review_list")
    pair.incoming.refresh_from_db()
    assert pair.incoming.merged_into == pair.existing


def test_rejecting_a_pair_records_the_reason(user, pair, signed_in_client):
    response = signed_in_client(user).post(
        _review_url("review_reject", pair), {"reason": "Different NHS numbers"}
    )

    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.decision_reason) == ("rejected", "Different NHS numbers")


def test_a_pair_decided_already_is_not_decided_again(user, pair, signed_in_client):
    match_confirm(actor=user, review=pair)
    client = signed_in_client(user)

    response = client.post(_review_url("review_reject", pair), follow=True)

    assert "decided already" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == "confirmed"


def test_a_guessed_review_id_is_a_404(user, pair, signed_in_client):
    guessed = "0d9e5f07-7a6c-4a50-9b1e-3f6d2b7c8a41"
    client = signed_in_client(user)
    assert client.get(reverse("linkage:review_detail", args=[guessed])).status_code == 404
    assert client.post(reverse("linkage:review_confirm", args=[guessed])).status_code == 404


def _hidden_pairs(by):
    """Pending pairs the queue leaves out: two people an analyst said are different (asked
    again through another record of one of them), and two records that are one person now."""
    amira, amira_again, kyle = person(), person(), person("Kyle", "Bennett")
    rejected = pending_review(amira, kyle)
    rejected.status = MatchReview.Status.REJECTED
    rejected.save()
    said_different = pending_review(amira_again, kyle)
    merge_of(amira_again, amira, by=by)
    jo, jo_again = person("Jo", "Bloggs"), person("Jo", "Bloggs")
    one_already = pending_review(jo_again, jo)
    merge_of(jo_again, jo, by=by)
    return said_different, one_already


def test_a_pair_the_queue_leaves_out_is_a_404_by_its_id_and_is_not_decided(
    user, pair, signed_in_client
):
    hidden = _hidden_pairs(by=user)
    client = signed_in_client(user)
    queue = client.get(reverse("linkage:review_list")).content.decode()

    for review in hidden:
        assert _review_url("review_detail", review) not in queue
        assert client.get(_review_url("review_detail", review)).status_code == 404
        assert client.post(_review_url("review_confirm", review)).status_code == 404
        reject = client.post(_review_url("review_reject", review), {"reason": "Different"})
        assert reject.status_code == 404
    assert MatchReview.objects.filter(pk__in=[r.pk for r in hidden], status="pending").count() == 2
    assert PersonMerge.objects.count() == 2  # only the two the world was built with
    # The pair the queue does ask is still opened.
    assert client.get(_review_url("review_detail", pair)).status_code == 200


def test_a_decided_pair_still_shows_what_was_decided(user, pair, signed_in_client):
    match_confirm(actor=user, review=pair)

    response = signed_in_client(user).get(_review_url("review_detail", pair))

    assert response.status_code == 200
    assert "Decided: same person" in response.content.decode()


def test_an_analyst_of_another_agency_opens_the_same_pair(pair, signed_in_client):
    # Identity review is partnership-wide (an identity rule of scope "all"): who recorded the
    # people does not matter, and the agency of the analyst does not either.
    client = signed_in_client(analyst(AgencyFactory()))
    assert client.get(_review_url("review_detail", pair)).status_code == 200
    assert client.post(_review_url("review_confirm", pair)).status_code == 302
    pair.refresh_from_db()
    assert pair.status == MatchReview.Status.CONFIRMED


# --- merge history and undo ----------------------------------------------------------------


@pytest.fixture
def merge(user):
    return merge_of(person("Amira", "Hussein"), person("Amira", "Hussain"), by=user)


def test_the_history_lists_merges_with_an_undo_button(user, merge, signed_in_client):
    content = signed_in_client(user).get(reverse("linkage:merge_list")).content.decode()

    assert "Amira Hussein merged into Amira Hussain" in content
    assert reverse("linkage:merge_undo", args=[merge.pk]) in content
    assert "Undo this merge" in content


def test_undo_without_a_reason_reshows_the_form_with_an_error(user, merge, signed_in_client):
    response = signed_in_client(user).post(reverse("linkage:merge_undo", args=[merge.pk]))

    assert response.status_code == 400
    assert "Enter why this merge is wrong" in response.content.decode()
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_undo_with_a_reason_restores_the_record_and_keeps_the_merge(user, merge, signed_in_client):
    client = signed_in_client(user)
    response = client.post(reverse("linkage:merge_undo", args=[merge.pk]), {"reason": "Twins"})

    assert response.status_code == 302
    merge.refresh_from_db()
    merge.duplicate.refresh_from_db()
    assert merge.undone_by == user and merge.duplicate.merged_into is None
    content = client.get(reverse("linkage:merge_list")).content.decode()
    assert "Undone" in content and "Twins" in content


# --- the model -----------------------------------------------------------------------------


def test_the_model_page_shows_the_model_in_use(user, signed_in_client):
    model = current_model(upper=21, lower=7)

    content = signed_in_client(user).get(reverse("linkage:model")).content.decode()

    assert f'<dd class="govuk-summary-list__value">{model.version}</dd>' in content
    assert "4000 people" in content and "21.0" in content and "7.0" in content
    assert "Retrain the model" in content


def test_the_model_page_shows_estimated_precision_and_recall_at_each_threshold(
    user, signed_in_client
):
    model = current_model(calibrated=True)
    chosen = operating_thresholds(model=model)

    content = signed_in_client(user).get(reverse("linkage:model")).content.decode()

    assert "Estimated precision and recall at each threshold" in content
    assert f"{chosen.upper:.0f} (automatic)" in content and "chosen by calibration" in content


def test_retraining_from_the_page_makes_a_new_current_model(user, signed_in_client, monkeypatch):
    # The engine's training is tested on its own; here, what the page does with its result.
    settings = trained_settings()
    monkeypatch.setattr("casebridge.linkage.engine.train_model", lambda **_: settings)
    record_population(user.agency, records=200)

    response = signed_in_client(user).post(reverse("linkage:model_train"), follow=True)

    model = LinkageModel.objects.get(is_current=True)
    assert (model.trained_by, model.record_count) == (user, 200)
    assert "Model 1 is trained on 200 people" in response.content.decode()


def test_training_with_too_few_people_says_so_on_the_page(user, signed_in_client):
    response = signed_in_client(user).post(reverse("linkage:model_train"), follow=True)

    assert "Training needs at least 200 people" in response.content.decode()
    assert not LinkageModel.objects.exists()


# --- who may ---------------------------------------------------------------------------------


def test_the_analyst_has_an_identity_review_link(user, signed_in_client):
    content = signed_in_client(user).get(reverse("web:home")).content.decode()
    assert reverse("linkage:review_list") in content


@pytest.mark.parametrize("role_code", ["practitioner", "panel_coordinator", "manager"])
def test_every_linkage_page_is_a_404_for_other_roles(role_code, pair, signed_in_client):
    merge = merge_of(person("Jo", "Bloggs"), person("Jo", "Bloggs"), by=analyst())
    client = signed_in_client(UserFactory(role=role(role_code)))
    pages = [
        ("get", reverse("linkage:review_list")),
        ("get", _review_url("review_detail", pair)),
        ("post", _review_url("review_confirm", pair)),
        ("post", _review_url("review_reject", pair)),
        ("get", reverse("linkage:merge_list")),
        ("post", reverse("linkage:merge_undo", args=[merge.pk])),
        ("get", reverse("linkage:model")),
        ("post", reverse("linkage:model_train")),
    ]
    for method, url in pages:
        assert getattr(client, method)(url, {"reason": "x"}).status_code == 404, url
    assert reverse("linkage:review_list") not in client.get(reverse("web:home")).content.decode()
    pair.refresh_from_db()
    assert pair.status == "pending"
    assert PersonMerge.objects.get().undone_at is None
    assert not LinkageModel.objects.exists()
