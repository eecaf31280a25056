"""Action plan pages: who reads them, who keeps them, and the forms."""

from datetime import date

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.plans.models import Commitment
from casebridge.plans.services import commitment_update
from tests.factories import AgencyFactory, UserFactory, role
from tests.plans.factories import ActionPlanFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment():
    return CommitmentFactory(reference="2.3", due_on=date(2020, 3, 31))


@pytest.fixture
def coordinator():
    return UserFactory(role=role("panel_coordinator"))


def plan_url(plan) -> str:
    return reverse("plans:plan_detail", args=[plan.pk])


def add_url(plan) -> str:
    return reverse("plans:commitment_create", args=[plan.pk])


def detail_url(commitment) -> str:
    return reverse("plans:commitment_detail", args=[commitment.plan_id, commitment.pk])


def status_url(commitment) -> str:
    return reverse("plans:commitment_status", args=[commitment.plan_id, commitment.pk])


def dated(field: str, day: date) -> dict:
    return {f"{field}_day": day.day, f"{field}_month": day.month, f"{field}_year": day.year}


def test_the_plan_page_shows_commitments_with_owner_status_and_overdue(
    commitment, signed_in_client
):
    manager = UserFactory(role=role("manager"))
    client = signed_in_client(manager)
    listing = client.get(reverse("plans:plan_list"))
    assert listing.status_code == 200 and commitment.plan.title in listing.content.decode()
    response = client.get(plan_url(commitment.plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert commitment.owner in page and commitment.owner_agency.name in page
    assert "31 Mar 2020" in page and "Not started" in page and "Overdue" in page
    assert AuditEvent.objects.filter(
        actor=manager, action="view", object_type="action_plan", object_id=commitment.plan_id
    ).exists()


def test_the_navigation_offers_plans_to_those_who_may_read_them(signed_in_client):
    home = reverse("web:home")
    for code in ("manager", "analyst", "panel_coordinator"):
        page = signed_in_client(UserFactory(role=role(code))).get(home).content.decode()
        assert reverse("plans:plan_list") in page
    practitioner = signed_in_client(UserFactory(role=role("practitioner")))
    assert reverse("plans:plan_list") not in practitioner.get(home).content.decode()


def test_a_manager_reads_but_is_not_offered_the_forms(commitment, signed_in_client):
    client = signed_in_client(UserFactory(role=role("manager")))
    assert add_url(commitment.plan) not in client.get(plan_url(commitment.plan)).content.decode()
    page = client.get(detail_url(commitment)).content.decode()
    assert status_url(commitment) not in page


@pytest.mark.parametrize("page", ["add", "status"])
def test_a_manager_may_not_change_plans_404_and_a_denied_entry(commitment, signed_in_client, page):
    manager = UserFactory(role=role("manager"))
    client = signed_in_client(manager)
    url = add_url(commitment.plan) if page == "add" else status_url(commitment)
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "done", "note": "n"}).status_code == 404
    assert AuditEvent.objects.filter(actor=manager, action="denied").count() == 2
    commitment.refresh_from_db()
    assert commitment.status == "not_started" and Commitment.objects.count() == 1


@pytest.mark.parametrize("code", ["practitioner", "auditor"])
def test_those_without_a_plan_rule_see_no_plans(commitment, signed_in_client, code):
    user = UserFactory(role=role(code))
    client = signed_in_client(user)
    urls = [
        reverse("plans:plan_list"),
        plan_url(commitment.plan),
        detail_url(commitment),
        status_url(commitment),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == len(urls)


def test_guessed_ids_look_missing(commitment, coordinator, signed_in_client):
    client = signed_in_client(coordinator)
    other = CommitmentFactory()
    # Another plan's commitment under this plan's address, and ids that do not exist.
    guessed = [
        reverse("plans:commitment_detail", args=[commitment.plan_id, other.pk]),
        reverse("plans:commitment_status", args=[commitment.plan_id, other.pk]),
        reverse("plans:plan_detail", args=[999_999]),
        reverse("plans:commitment_detail", args=[commitment.plan_id, 999_999]),
    ]
    for url in guessed:
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(actor=coordinator, action="denied").count() == len(guessed)


def test_an_analyst_adds_a_commitment(signed_in_client):
    plan = ActionPlanFactory()
    agency = AgencyFactory(name="Probation Service London")
    data = {
        "reference": "3.1",
        "commitment": "Commission women's centre places",
        "owner_agency": agency.pk,
        "owner": "Head of reducing reoffending",
    } | dated("due_on", date(2026, 3, 31))
    response = signed_in_client(UserFactory(role=role("analyst"))).post(add_url(plan), data)
    assert response.status_code == 302 and response.url == plan_url(plan)
    created = plan.commitments.get()
    assert (created.reference, created.owner_agency, created.due_on) == (
        "3.1",
        agency,
        date(2026, 3, 31),
    )


def test_a_repeated_number_is_refused_and_the_input_re_shown(
    commitment, coordinator, signed_in_client
):
    data = {
        "reference": "2.3",
        "commitment": "Typed words",
        "owner_agency": commitment.owner_agency_id,
        "owner": "Typed owner",
    } | dated("due_on", date(2026, 3, 31))
    response = signed_in_client(coordinator).post(add_url(commitment.plan), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "already has a commitment 2.3" in page
    assert "Typed words</textarea>" in page and 'value="Typed owner"' in page
    assert f'value="{commitment.owner_agency_id}" selected' in page


def test_a_status_update_is_saved_and_the_history_shows_it(
    commitment, coordinator, signed_in_client
):
    client = signed_in_client(coordinator)
    data = {"status": "at_risk", "note": "Funding not yet agreed"}
    response = client.post(status_url(commitment), data)
    assert response.status_code == 302 and response.url == detail_url(commitment)
    commitment.refresh_from_db()
    assert commitment.status == "at_risk"
    page = client.get(detail_url(commitment)).content.decode()
    assert "Funding not yet agreed" in page and "At risk" in page


def test_the_history_keeps_every_update(commitment, coordinator, signed_in_client):
    for status, note in [("on_track", "First note"), ("done", "Second note")]:
        commitment_update(actor=coordinator, commitment=commitment, status=status, note=note)
    page = signed_in_client(coordinator).get(detail_url(commitment)).content.decode()
    assert page.index("First note") < page.index("Second note")


def test_an_update_without_a_note_is_refused_and_the_status_re_shown(
    commitment, coordinator, signed_in_client
):
    response = signed_in_client(coordinator).post(status_url(commitment), {"status": "done"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Say what progress has been made" in page and 'value="done" checked' in page
    assert not commitment.updates.exists()
