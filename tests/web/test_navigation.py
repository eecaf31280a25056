"""The header shows each user only the links their role permits."""

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, UserFactory, role
from tests.world import make_world

pytestmark = pytest.mark.django_db

LINKS = {
    "search": reverse("people:search"),
    "create": reverse("people:create"),
    "cases": reverse("pathways:case_list"),
    "audit": reverse("audit:search"),
    "sirm": reverse("violence:sirm_proposal_list"),
    "missing": reverse("exploitation:still_missing"),
    "victims": reverse("victims:referral_list"),
}


def _nav(client) -> str:
    content = client.get(reverse("web:home")).content.decode()
    return content.split('id="navigation"')[1].split("</ul>")[0]


@pytest.mark.parametrize(
    ("role_name", "shown"),
    [
        ("practitioner_a", {"search", "create", "cases", "missing"}),
        ("panel_coordinator", {"search", "create", "cases"}),
        ("auditor", {"audit"}),
        ("manager", set()),
    ],
)
def test_navigation_follows_the_rules(role_name, shown, signed_in_client):
    nav = _nav(signed_in_client(make_world().users()[role_name]))
    assert {name for name, url in LINKS.items() if f'href="{url}"' in nav} == shown


def test_signed_in_pages_offer_a_sign_out_button(signed_in_client):
    content = signed_in_client(make_world().manager).get(reverse("web:home")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}"' in content


@pytest.mark.parametrize(
    ("role_code", "shown"),
    [
        ("vve_coordinator", {"search", "create", "cases", "sirm", "missing"}),
        ("victim_coordinator", {"search", "create", "cases", "victims"}),
    ],
)
def test_the_violence_and_victim_coordinators_find_their_work(role_code, shown, signed_in_client):
    coordinator = UserFactory(agency=AgencyFactory(), role=role(role_code))
    nav = _nav(signed_in_client(coordinator))
    assert {name for name, url in LINKS.items() if f'href="{url}"' in nav} == shown
