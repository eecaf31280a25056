"""Refuge pages: who gets what, forms that keep what was typed, and the address canary."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.access.services import entitlement_grant
from casebridge.audit.models import AuditEvent
from casebridge.refuges.models import Stay
from tests.refuges.factories import REFUGE_SECRETS, StayFactory, add_child, make_refuge_world

pytestmark = pytest.mark.django_db

UNENTITLED = ["other_charity_worker", "council_worker", "coordinator", "manager", "auditor"]


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _world_with_a_resident():
    world = make_refuge_world()
    stay = StayFactory(refuge=world.refuge, person=world.woman, arrived_on=date(2024, 1, 10))
    for child in world.children:
        add_child(stay, child)
    return world, stay


def _assert_no_address(content: bytes, where: str) -> None:
    text = content.decode()
    for secret in REFUGE_SECRETS:
        assert secret not in text, where


def _every_response(client, world, stay):
    """Every page this app adds, and the existing pages and API about the resident."""
    refuge, woman = world.refuge, world.woman
    gets = [
        reverse("web:home"),
        reverse("refuges:refuge_list"),
        reverse("refuges:refuge_detail", args=[refuge.pk]),
        reverse("refuges:arrival_search", args=[refuge.pk]),
        reverse("refuges:arrival", args=[refuge.pk, woman.pk]),
        reverse("refuges:departure", args=[stay.pk]),
        reverse("people:detail", args=[woman.pk]),
        reverse("people:detail", args=[world.children[0].pk]),
        reverse("api:person", args=[woman.pk]),
        reverse("api:person", args=[world.children[0].pk]),
        reverse("audit:search"),
        reverse("pathways:case_list"),
    ]
    for url in gets:
        yield url, client.get(url)
    posts = [
        (reverse("refuges:arrival_search", args=[refuge.pk]), {"family_name": "Refugeson"}),
        (
            reverse("refuges:arrival", args=[refuge.pk, woman.pk]),
            _date("arrived_on", date(2024, 2, 1)),
        ),
        (reverse("refuges:departure", args=[stay.pk]), {"move_on": "unknown"}),
        (reverse("people:search"), {"family_name": "Refugeson"}),
    ]
    for url, data in posts:
        yield url, client.post(url, data)


@pytest.mark.parametrize("who", UNENTITLED)
def test_a_user_without_refuge_entitlement_never_sees_the_address(who, signed_in_client):
    world, stay = _world_with_a_resident()
    client = signed_in_client(world.users()[who])
    for url, response in _every_response(client, world, stay):
        _assert_no_address(response.content, f"{who} {url}")


def test_the_providers_manager_and_a_refuge_worker_elsewhere_never_see_it(signed_in_client):
    """Same agency but not a practitioner; a practitioner of another refuge provider."""
    from tests.factories import UserFactory, role
    from tests.refuges.factories import RefugeFactory

    world, stay = _world_with_a_resident()
    elsewhere = RefugeFactory(line_1="2 Other Road", line_2="", postcode="ZZ1 1AA").created_by
    for user in (UserFactory(agency=world.provider, role=role("manager")), elsewhere):
        client = signed_in_client(user)
        for url, response in _every_response(client, world, stay):
            _assert_no_address(response.content, url)


def test_audit_log_search_by_an_auditor_never_shows_it(signed_in_client):
    world, stay = _world_with_a_resident()
    client = signed_in_client(world.worker)
    for _ in _every_response(client, world, stay):
        pass
    auditor = signed_in_client(world.auditor)
    _assert_no_address(auditor.get(reverse("audit:search")).content, "audit")
    _assert_no_address(auditor.get(reverse("audit:search"), {"q": "refuge"}).content, "audit")
    text = " ".join(f"{e.summary} {e.changes}" for e in AuditEvent.objects.all())
    for secret in REFUGE_SECRETS:
        assert secret not in text


def test_the_providers_worker_sees_the_address_and_the_residents(signed_in_client):
    world, _ = _world_with_a_resident()
    client = signed_in_client(world.worker)
    listing = client.get(reverse("refuges:refuge_list")).content.decode()
    page = client.get(reverse("refuges:refuge_detail", args=[world.refuge.pk])).content.decode()
    assert world.refuge.line_1 in listing and world.refuge.postcode in page
    assert "Mina Refugeson" in page and "Ada Refugeson" in page
    assert "Record an arrival" in page and "Record departure" in page


def test_an_entitled_user_sees_the_address_but_not_the_residents(signed_in_client):
    world, _ = _world_with_a_resident()
    entitlement_grant(
        actor=world.worker, user=world.council_worker, refuge=world.refuge, reason="Move-on"
    )
    client = signed_in_client(world.council_worker)
    page = client.get(reverse("refuges:refuge_detail", args=[world.refuge.pk])).content.decode()
    assert world.refuge.line_1 in page
    assert "Mina Refugeson" not in page


@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_coordinator_and_manager_see_figures_but_no_address_or_name(who, signed_in_client):
    world, _ = _world_with_a_resident()
    client = signed_in_client(world.users()[who])
    listing = client.get(reverse("refuges:refuge_list"))
    page = client.get(reverse("refuges:refuge_detail", args=[world.refuge.pk]))
    assert listing.status_code == page.status_code == 200
    text = page.content.decode()
    assert world.refuge.name in listing.content.decode()
    assert "Bed-nights used" in text and "Restricted" in text
    assert "Refugeson" not in text and "Record an arrival" not in text
    for url in (
        reverse("refuges:arrival_search", args=[world.refuge.pk]),
        reverse("refuges:arrival", args=[world.refuge.pk, world.woman.pk]),
    ):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["other_charity_worker", "council_worker", "auditor"])
def test_wrong_agency_or_role_gets_404_everywhere(who, signed_in_client):
    world, stay = _world_with_a_resident()
    client = signed_in_client(world.users()[who])
    for url in (
        reverse("refuges:refuge_detail", args=[world.refuge.pk]),
        reverse("refuges:arrival_search", args=[world.refuge.pk]),
        reverse("refuges:arrival", args=[world.refuge.pk, world.woman.pk]),
        reverse("refuges:departure", args=[stay.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("refuges:departure", args=[stay.pk]),
            {**_date("departed_on", date(2024, 2, 1)), "move_on": "unknown"},
        ).status_code
        == 404
    )
    stay.refresh_from_db()
    assert stay.departed_on is None


def test_guessed_ids_are_404_and_the_refusal_is_audited(signed_in_client):
    world, _ = _world_with_a_resident()
    client = signed_in_client(world.worker)
    guess = uuid.uuid4()
    for url in (
        reverse("refuges:refuge_detail", args=[guess]),
        reverse("refuges:arrival_search", args=[guess]),
        reverse("refuges:arrival", args=[world.refuge.pk, guess]),
        reverse("refuges:departure", args=[guess]),
    ):
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="denied", object_id=str(guess)).count() >= 2


def test_recording_an_arrival_through_the_pages(signed_in_client):
    world = make_refuge_world()
    client = signed_in_client(world.worker)
    found = client.post(
        reverse("refuges:arrival_search", args=[world.refuge.pk]), {"family_name": "Refug"}
    ).content.decode()
    arrival_url = reverse("refuges:arrival", args=[world.refuge.pk, world.woman.pk])
    assert arrival_url in found
    form = client.get(arrival_url).content.decode()
    assert "Ada Refugeson" in form and "Ben Refugeson" in form
    response = client.post(
        arrival_url,
        {**_date("arrived_on", date(2024, 3, 2)), "children": [str(world.children[1].pk)]},
    )
    assert response.status_code == 302
    stay = Stay.objects.get(person=world.woman)
    assert stay.arrived_on == date(2024, 3, 2)
    assert list(stay.children.all()) == [world.children[1]]


def test_a_refused_arrival_keeps_what_was_typed(signed_in_client):
    world = make_refuge_world(bed_spaces=1)
    StayFactory(refuge=world.refuge, arrived_on=date(2024, 1, 1))
    client = signed_in_client(world.worker)
    response = client.post(
        reverse("refuges:arrival", args=[world.refuge.pk, world.woman.pk]),
        {**_date("arrived_on", date(2024, 3, 2)), "children": [str(world.children[0].pk)]},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "no bed space free on 2 March 2024" in text
    assert 'value="2024"' in text and 'value="3"' in text
    assert f'value="{world.children[0].pk}" checked' in text


def test_a_future_arrival_is_refused_on_the_form(signed_in_client):
    world = make_refuge_world()
    client = signed_in_client(world.worker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("refuges:arrival", args=[world.refuge.pk, world.woman.pk]),
        _date("arrived_on", tomorrow),
    )
    assert response.status_code == 400
    assert "today or in the past" in response.content.decode()
    assert not Stay.objects.exists()


def test_recording_a_departure_through_the_page(signed_in_client):
    world, stay = _world_with_a_resident()
    client = signed_in_client(world.worker)
    url = reverse("refuges:departure", args=[stay.pk])
    missing = client.post(url, _date("departed_on", date(2024, 6, 3)))
    assert missing.status_code == 400
    assert 'value="6"' in missing.content.decode()
    before = client.post(url, {**_date("departed_on", date(2023, 6, 3)), "move_on": "unknown"})
    assert before.status_code == 400
    assert "on or after the arrival" in before.content.decode()
    done = client.post(url, {**_date("departed_on", date(2024, 6, 3)), "move_on": "social_housing"})
    assert done.status_code == 302
    stay.refresh_from_db()
    assert (stay.departed_on, stay.move_on) == (date(2024, 6, 3), "social_housing")


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("worker", True),
        ("coordinator", True),
        ("manager", True),
        ("other_charity_worker", False),
        ("council_worker", False),
        ("auditor", False),
    ],
)
def test_navigation_links_refuges_only_for_those_who_may_see_one(who, shown, signed_in_client):
    world = make_refuge_world()
    content = signed_in_client(world.users()[who]).get(reverse("web:home")).content.decode()
    nav = content.split('id="navigation"')[1].split("</ul>")[0]
    assert (f'href="{reverse("refuges:refuge_list")}"' in nav) is shown


# --- adding a refuge ---------------------------------------------------------------------------

NEW_REFUGE = {
    "name": "Willow House",
    "bed_spaces": "8",
    "line_1": "12 Hidden Lane",
    "line_2": "",
    "town": "Northbridge",
    "postcode": "nb1 9zz",
}


def test_a_provider_adds_a_refuge_run_by_its_own_agency(signed_in_client):
    world = make_refuge_world()
    response = signed_in_client(world.worker).post(reverse("refuges:refuge_new"), NEW_REFUGE)
    refuge = world.provider.refuges.get(name="Willow House")
    assert response.status_code == 302
    assert response.url == reverse("refuges:refuge_detail", args=[refuge.pk])
    assert (refuge.bed_spaces, refuge.postcode, refuge.created_by) == (8, "NB1 9ZZ", world.worker)


def test_a_refused_refuge_form_shows_what_was_typed(signed_in_client):
    world = make_refuge_world()
    response = signed_in_client(world.worker).post(
        reverse("refuges:refuge_new"), NEW_REFUGE | {"bed_spaces": "0"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Willow House" in content and "12 Hidden Lane" in content
    assert "govuk-error-summary" in content
    assert not world.provider.refuges.filter(name="Willow House").exists()


@pytest.mark.parametrize("who", ["council_worker", "coordinator", "manager", "auditor"])
def test_only_providers_may_add_a_refuge(who, signed_in_client):
    world = make_refuge_world()
    client = signed_in_client(world.users()[who])
    assert client.get(reverse("refuges:refuge_new")).status_code == 404
    assert client.post(reverse("refuges:refuge_new"), NEW_REFUGE).status_code == 404
