"""The administration pages: the system administrator sees every agency's, an agency's lead
their own agency's, everyone else a 404, as does a guessed id."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from casebridge.accounts.models import User
from casebridge.administration.models import AccessReview
from casebridge.audit.models import AuditEvent
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654


def _pages(office) -> dict[str, str]:
    agency, user = office.agency_a.pk, office.staff_a.pk
    return {
        "agencies": reverse("administration:agency_list"),
        "users": reverse("administration:agency_users", args=[agency]),
        "invite": reverse("administration:invite", args=[agency]),
        "reviews": reverse("administration:access_review_list"),
        "review": reverse("administration:access_review", args=[agency]),
        "account": reverse("administration:account_detail", args=[user]),
        "access": reverse("administration:account_access", args=[user]),
        "end": reverse("administration:account_end", args=[user]),
        "second_factor": reverse("administration:account_second_factor", args=[user]),
    }


@pytest.mark.parametrize("who", ["sysadmin", "lead_a"])
def test_the_administrator_and_the_agencys_lead_see_every_page(office, who, signed_in_client):
    client = signed_in_client(getattr(office, who))
    for name, url in _pages(office).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert '<h1 class="govuk-heading-l">' in response.content.decode(), name


def test_the_users_page_lists_the_agencys_users_with_their_roles(office, signed_in_client):
    page = signed_in_client(office.lead_a).get(_pages(office)["users"]).content.decode()
    assert office.staff_a.username in page and office.sysadmin.username in page
    assert office.staff_b.username not in page
    assert "Agency lead, Practitioner" in page
    viewed = AuditEvent.objects.filter(action="view", object_type="agency").latest("sequence")
    assert viewed.actor == office.lead_a and office.staff_a.pk in viewed.changes["users"]


@pytest.mark.parametrize("who", ["lead_b", "staff_a"])
def test_another_agencys_lead_and_a_practitioner_get_404s(office, who, signed_in_client):
    client = signed_in_client(getattr(office, who))
    for name, url in _pages(office).items():
        if who == "lead_b" and name in ("agencies", "reviews"):
            continue  # their own agency's lists
        assert client.get(url).status_code == 404, name
    if who == "lead_b":
        listed = client.get(_pages(office)["agencies"]).content.decode()
        assert "Agency B" in listed and "Agency A" not in listed


@pytest.mark.parametrize("code", ["manager", "auditor", "panel_coordinator", "analyst"])
def test_roles_without_an_account_rule_get_404s(office, code, signed_in_client):
    client = signed_in_client(UserFactory(agency=office.agency_a, role=role(code)))
    for name, url in _pages(office).items():
        assert client.get(url).status_code == 404, name


def test_a_guessed_user_or_agency_id_is_a_404(office, signed_in_client):
    client = signed_in_client(office.sysadmin)
    assert (
        client.get(reverse("administration:account_detail", args=[NO_SUCH_ID])).status_code == 404
    )
    assert client.get(reverse("administration:agency_users", args=[NO_SUCH_ID])).status_code == 404
    lead = signed_in_client(office.lead_a)
    other = reverse("administration:account_detail", args=[office.staff_b.pk])
    assert lead.get(other).status_code == 404


def test_inviting_shows_the_one_time_link_once_and_it_works(office, signed_in_client):
    client = signed_in_client(office.lead_a)

    response = client.post(
        _pages(office)["invite"],
        {
            "username": "new.worker",
            "first_name": "Noor",
            "last_name": "Ahmed",
            "email": "",
            "agency": office.agency_a.pk,
            "team": "",
            "roles": [role("practitioner").pk, role("victim_coordinator").pk],
            "reason": "New Victim Coordinator",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    link = re.search(r"http://testserver(/sign-in/invitation/[^/]+/)", page).group(1)
    invited = User.objects.get(username="new.worker")
    assert invited.role_codes == {"practitioner", "victim_coordinator"}
    assert Client().get(link).status_code == 302
    account = client.get(reverse("administration:account_detail", args=[invited.pk]))
    assert link not in account.content.decode()


def test_a_forged_privileged_role_is_refused_on_the_form(office, signed_in_client):
    response = signed_in_client(office.sysadmin).post(
        _pages(office)["access"],
        {
            "agency": office.agency_a.pk,
            "team": "",
            "roles": [role("auditor").pk],
            "reason": "Promotion",
        },
    )
    assert response.status_code == 400
    assert office.staff_a.role_codes == {"practitioner"}


def test_ending_access_from_the_page_signs_the_leaver_out(office, signed_in_client):
    leaver = signed_in_client(office.staff_a)
    response = signed_in_client(office.lead_a).post(
        _pages(office)["end"], {"reason": "Left the council"}
    )
    assert response.status_code == 302
    assert leaver.get(reverse("web:home")).status_code == 302
    office.staff_a.refresh_from_db()
    assert not office.staff_a.is_active


def test_ending_access_needs_a_reason(office, signed_in_client):
    response = signed_in_client(office.lead_a).post(_pages(office)["end"], {"reason": " "})
    assert response.status_code == 400
    office.staff_a.refresh_from_db()
    assert office.staff_a.is_active


def test_the_lead_confirms_the_review_on_its_page(office, signed_in_client):
    client = signed_in_client(office.lead_a)
    decisions = {f"user_{user.pk}": "keep" for user in (office.sysadmin, office.lead_a)}

    response = client.post(
        _pages(office)["review"], {**decisions, f"user_{office.staff_a.pk}": "remove"}
    )

    assert response.status_code == 302
    review = AccessReview.objects.get(agency=office.agency_a)
    assert review.entries.get(user=office.staff_a).keep is False
    page = client.get(_pages(office)["review"]).content.decode()
    assert "Flagged for removal" in page and "Confirm the review" not in page
    users = client.get(_pages(office)["users"]).content.decode()
    assert "Flagged for removal" in users


def test_the_administrator_reads_a_review_but_does_not_confirm_it(office, signed_in_client):
    client = signed_in_client(office.sysadmin)
    page = client.get(_pages(office)["review"]).content.decode()
    assert "Confirm the review" not in page
    decisions = {f"user_{user.pk}": "keep" for user in (office.sysadmin, office.lead_a)}
    assert client.post(_pages(office)["review"], decisions).status_code == 404
    assert not AccessReview.objects.exists()


def test_a_lead_is_offered_no_change_to_a_privileged_colleague(office, signed_in_client):
    url = reverse("administration:account_detail", args=[office.sysadmin.pk])
    page = signed_in_client(office.lead_a).get(url).content.decode()
    assert "only a system administrator changes their access" in page
    assert reverse("administration:account_end", args=[office.sysadmin.pk]) not in page
