"""The header shows each user only the links their roles permit."""

import pytest
from django.db import connection
from django.urls import reverse

from casebridge.access.models import PermissionRule
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
    "administration": reverse("administration:agency_list"),
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
        ("sysadmin", {"administration"}),
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
        ("agency_lead", {"administration"}),
    ],
)
def test_the_coordinators_and_agency_leads_find_their_work(role_code, shown, signed_in_client):
    coordinator = UserFactory(agency=AgencyFactory(), role=role(role_code))
    nav = _nav(signed_in_client(coordinator))
    assert {name for name, url in LINKS.items() if f'href="{url}"' in nav} == shown


def test_the_navigation_follows_rules_another_process_changed(signed_in_client):
    """The links are kept per user between requests; a change no signal told this process of
    (``sync-definitions`` in another process) is seen by the next request."""
    world = make_world()
    client = signed_in_client(world.users()["practitioner_a"])
    assert f'href="{LINKS["search"]}"' in _nav(client)

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {PermissionRule._meta.db_table} WHERE resource = %s",  # noqa: S608
            [PermissionRule.Resource.PERSON],
        )

    assert f'href="{LINKS["search"]}"' not in _nav(client)
