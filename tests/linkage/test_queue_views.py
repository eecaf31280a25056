"""The queue page (by batch, in priority order) and confirming a band: analysts only."""

import uuid

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.linkage.models import MatchReview
from tests.factories import AgencyFactory, CaseFactory, UserFactory, role
from tests.linkage.factories import analyst, current_model, pending_review, person

pytestmark = pytest.mark.django_db

NOT_ANALYSTS = ["practitioner", "panel_coordinator", "manager"]


@pytest.fixture
def user():
    return analyst()


@pytest.fixture
def band():
    current_model()
    return [pending_review(person(), person(), weight=weight) for weight in (12, 14)]


def _band_post(reviews, lower="12", upper="16"):
    return {"lower": lower, "upper": upper, "reviews": [str(r.pk) for r in reviews]}


def test_the_queue_page_puts_a_marac_victims_pair_first_and_says_why(user, signed_in_client):
    pending_review(person("Kyle", "Bennett"), person("Kyle", "Benett"), weight=18)
    victim = person("Amira", "Hussain")
    CaseFactory(subject=victim)
    pending_review(person("Amira", "Hussein"), victim, weight=8)

    content = signed_in_client(user).get(reverse("linkage:review_list")).content.decode()

    assert content.index("Amira Hussein") < content.index("Kyle Bennett")
    assert "MARAC victim" in content


def test_the_queue_page_filters_by_batch_and_audits_it(user, signed_in_client):
    pending_review(person("Kyle", "Bennett"), person("Kyle", "Benett"))
    later = pending_review(person("Amira", "Hussein"), person("Amira", "Hussain"))
    later.source = "import batch 12"
    later.save()

    response = signed_in_client(user).get(
        reverse("linkage:review_list"), {"source": "import batch 12"}
    )

    content = response.content.decode()
    assert "Amira Hussein" in content and "Kyle Bennett" not in content
    assert "1 pair to review from import batch 12" in content
    entry = AuditEvent.objects.get(action="view", object_type="identity", actor=user)
    assert entry.changes["source"] == "import batch 12"
    assert entry.changes["reviews"] == [str(later.pk)]


def test_the_band_page_shows_the_estimate_before_anything_is_confirmed(
    user, band, signed_in_client
):
    response = signed_in_client(user).get(
        reverse("linkage:review_band"), {"lower": "12", "upper": "16"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "2 pairs to review with match weight 12 up to 16: estimated precision 0.99" in content
    assert "Confirm these 2 pairs as the same person" in content
    assert not MatchReview.objects.exclude(status=MatchReview.Status.PENDING).exists()


def test_a_band_upside_down_is_an_error_on_the_page(user, band, signed_in_client):
    response = signed_in_client(user).get(
        reverse("linkage:review_band"), {"lower": "16", "upper": "12"}
    )
    assert response.status_code == 400
    assert "Enter a match weight above the lower one" in response.content.decode()


def test_confirming_the_band_confirms_the_pairs_shown(user, band, signed_in_client):
    response = signed_in_client(user).post(reverse("linkage:review_band_confirm"), _band_post(band))

    assert response.status_code == 302
    assert set(MatchReview.objects.values_list("status", flat=True)) == {"confirmed"}


@pytest.mark.parametrize("role_code", NOT_ANALYSTS)
def test_the_band_pages_are_a_404_to_everyone_but_analysts(role_code, band, signed_in_client):
    client = signed_in_client(UserFactory(role=role(role_code)))

    shown = client.get(reverse("linkage:review_band"), {"lower": "12", "upper": "16"})
    confirmed = client.post(reverse("linkage:review_band_confirm"), _band_post(band))

    empty = client.get(reverse("linkage:review_band"))
    refused = client.post(reverse("linkage:review_band_confirm"), {})

    assert [r.status_code for r in (shown, confirmed, empty, refused)] == [404] * 4
    assert not MatchReview.objects.exclude(status=MatchReview.Status.PENDING).exists()


def test_an_analyst_of_another_agency_sees_the_same_queue(band, signed_in_client):
    # Identity review is partnership-wide: who recorded the people does not matter.
    other = analyst(AgencyFactory())
    response = signed_in_client(other).get(reverse("linkage:review_list"))
    assert "2 pairs to review" in response.content.decode()


def test_a_guessed_review_id_in_a_band_is_skipped_not_confirmed(user, band, signed_in_client):
    post = _band_post(band[:1])
    post["reviews"].append(str(uuid.uuid4()))

    signed_in_client(user).post(reverse("linkage:review_band_confirm"), post)

    entry = AuditEvent.objects.get(action="change", object_type="identity", actor=user)
    assert entry.changes["confirmed"] == [str(band[0].pk)]
    assert len(entry.changes["skipped"]) == 1
    assert MatchReview.objects.get(pk=band[1].pk).status == MatchReview.Status.PENDING


def test_a_review_id_that_is_not_an_id_is_refused(user, band, signed_in_client):
    post = _band_post(band)
    post["reviews"] = ["1 OR 1=1"]

    response = signed_in_client(user).post(reverse("linkage:review_band_confirm"), post)

    assert response.status_code == 302
    assert not MatchReview.objects.exclude(status=MatchReview.Status.PENDING).exists()


def test_the_next_page_of_a_batchs_queue_keeps_the_batch(user, signed_in_client):
    for _ in range(26):
        review = pending_review(person(), person())
        review.source = "import batch 12"
        review.save()

    response = signed_in_client(user).get(
        reverse("linkage:review_list"), {"source": "import batch 12"}
    )

    assert "?page=2&amp;source=import%20batch%2012" in response.content.decode()
