"""A confidential address never reaches the page of someone not entitled to it, in any form."""

import pytest
from django.urls import reverse

from tests.factories import BreakGlassFactory
from tests.world import CANARY, CANARY_POSTCODE, CANARY_TOWN, entitle, make_world

pytestmark = pytest.mark.django_db

ROLES = [
    "practitioner_a",
    "practitioner_b",
    "panel_coordinator",
    "auditor",
    "manager",
    "sysadmin",
]


def _urls(world):
    person, case = world.person.pk, world.case.pk
    return [
        reverse("web:home"),
        reverse("people:detail", args=[person]),
        reverse("people:break_glass", args=[person]),
        reverse("pathways:refer", args=[person]),
        reverse("pathways:case_list"),
        reverse("pathways:case_detail", args=[case]),
        reverse("api:person", args=[person]),
        reverse("api:case", args=[case]),
        reverse("audit:search"),
    ]


def _assert_absent(content: bytes):
    text = content.decode()
    for secret in (CANARY, CANARY_POSTCODE, CANARY_TOWN):
        assert secret not in text


@pytest.mark.parametrize("role_name", ROLES)
def test_unentitled_roles_never_see_the_refuge(role_name, signed_in_client):
    world = make_world()
    client = signed_in_client(world.users()[role_name])
    for url in _urls(world):
        _assert_absent(client.get(url).content)
    # Nor in search results, or in a re-shown form.
    _assert_absent(client.post(reverse("people:search"), {"family_name": "Canary"}).content)
    _assert_absent(
        client.post(
            reverse("pathways:transition", args=[world.case.pk]), {"transition": "x"}
        ).content
    )


def test_person_page_says_a_confidential_address_exists_without_showing_it(signed_in_client):
    world = make_world()
    content = (
        signed_in_client(world.practitioner_a)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert "A confidential address is recorded for this person" in content
    assert "1 Open Street" in content
    assert CANARY not in content


def test_entitled_user_sees_the_refuge(signed_in_client):
    world = make_world()
    entitle(world.practitioner_a, world.person)
    client = signed_in_client(world.practitioner_a)

    page = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    api = client.get(reverse("api:person", args=[world.person.pk])).json()

    assert CANARY in page and CANARY_POSTCODE in page
    assert "A confidential address is recorded" not in page
    assert CANARY in [address["line_1"] for address in api["addresses"]]


def test_after_break_glass_the_refuge_is_shown(signed_in_client):
    world = make_world()
    BreakGlassFactory(user=world.coordinator, person=world.person)
    page = (
        signed_in_client(world.coordinator)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert CANARY in page
