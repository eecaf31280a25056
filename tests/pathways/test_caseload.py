"""The caseload page: an IDVA's open cases, those waiting for allocation, and colleagues'."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.pathways import selectors
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.selectors import allocating_pathways, caseload_for
from casebridge.pathways.services import case_activity_record, case_transition, referral_create
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role

pytestmark = pytest.mark.django_db

URL = reverse("pathways:caseload")


@pytest.fixture
def idva():
    return Pathway.objects.get(code="idva")


@pytest.fixture
def service():
    return AgencyFactory(kind=Agency.Kind.CHARITY, name="Advocacy service")


@pytest.fixture
def advocate(service):
    return UserFactory(agency=service, first_name="Ada", last_name="Advocate")


@pytest.fixture
def colleague(service):
    return UserFactory(agency=service, first_name="Bea", last_name="Colleague")


@pytest.fixture
def social_worker():
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.COUNCIL))


@pytest.fixture
def refer(idva, service, social_worker):
    """Refer a new victim to the advocacy service, as a social worker."""

    def make(given: str, family: str) -> Case:
        victim = PersonFactory(recorded_by_agency=social_worker.agency, name=(given, family))
        return referral_create(
            actor=social_worker,
            pathway=idva,
            subject=victim,
            referral_reason="High risk after MARAC",
            consent=Case.Consent.GIVEN,
            lawful_basis=Case.LawfulBasis.CONSENT,
            owner_agency=service,
        )

    return make


@pytest.fixture
def loads(refer, advocate, colleague):
    """The advocate holds two cases, the colleague one, one waits and one is closed."""
    mine = case_transition(actor=advocate, case=refer("Mia", "Mine"), transition="accept")
    also_mine = case_transition(actor=advocate, case=refer("Amy", "Alsomine"), transition="accept")
    theirs = case_transition(actor=colleague, case=refer("Tia", "Theirs"), transition="accept")
    waiting = refer("Wendy", "Waiting")
    closed = case_transition(actor=advocate, case=refer("Cleo", "Closed"), transition="accept")
    case_transition(actor=advocate, case=closed, transition="close", reason="Safe now")
    return {"mine": mine, "also": also_mine, "theirs": theirs, "waiting": waiting, "closed": closed}


# --- who has a caseload --------------------------------------------------------------------


def test_the_services_advocates_are_allocated_cases_and_others_are_not(
    advocate, social_worker, idva
):
    council = UserFactory(agency=AgencyFactory(kind=Agency.Kind.COUNCIL))
    coordinator = UserFactory(
        agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role("panel_coordinator")
    )
    manager = UserFactory(agency=advocate.agency, role=role("manager"))
    assert idva in allocating_pathways(user=advocate)
    for someone in (social_worker, council, coordinator, manager):
        assert allocating_pathways(user=someone) == []


def test_an_inactive_pathway_gives_no_caseload(advocate, idva):
    idva.is_active = False
    idva.save(update_fields=["is_active"])
    assert idva not in allocating_pathways(user=advocate)


# --- the selector --------------------------------------------------------------------------


def test_the_caseload_splits_mine_waiting_and_colleagues(loads, advocate, colleague, idva):
    load = caseload_for(user=advocate, pathway=idva)
    assert [row.case for row in load.mine] == [loads["mine"], loads["also"]]
    assert [row.case for row in load.unallocated] == [loads["waiting"]]
    assert {name: [row.case for row in rows] for name, rows in load.others.items()} == {
        colleague.display_name: [loads["theirs"]]
    }
    assert str(loads["closed"].pk) not in load.case_ids
    assert load.mine[0].subject_name == "Mia Mine"


def test_a_colleague_with_the_same_name_is_not_mistaken_for_me(loads, advocate, refer, idva):
    namesake = UserFactory(
        agency=advocate.agency, first_name=advocate.first_name, last_name=advocate.last_name
    )
    assert namesake.display_name == advocate.display_name
    theirs = case_transition(actor=namesake, case=refer("Nia", "Namesake"), transition="accept")
    load = caseload_for(user=advocate, pathway=idva)
    assert theirs not in [row.case for row in load.mine]
    assert [row.case for row in load.others[namesake.display_name]] == [theirs]


def test_last_activity_is_the_latest_thing_on_the_timeline(loads, advocate, idva):
    case_activity_record(actor=advocate, case=loads["mine"], activity="contact", text="Called")
    latest = loads["mine"].timeline.latest("occurred_at").occurred_at
    row = caseload_for(user=advocate, pathway=idva).mine[0]
    assert row.last_activity == latest


def test_the_name_is_left_out_when_the_person_may_not_be_seen(loads, advocate, idva, monkeypatch):
    # The rules today let whoever sees a case see its subject; the page must not rely on it.
    real_visible = selectors.visible

    def no_people(*, user, action, queryset):
        if queryset.model.__name__ == "Person":
            return queryset.none()
        return real_visible(user=user, action=action, queryset=queryset)

    monkeypatch.setattr(selectors, "visible", no_people)
    load = caseload_for(user=advocate, pathway=idva)
    assert load.mine and all(row.subject_name is None for row in load.mine)


def test_another_charity_sees_none_of_the_services_cases(loads, idva):
    stranger = UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY))
    load = caseload_for(user=stranger, pathway=idva)
    assert load.case_ids == []


# --- the page ------------------------------------------------------------------------------


def test_the_advocate_sees_their_caseload_page(loads, advocate, colleague, signed_in_client):
    response = signed_in_client(advocate).get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    mine = content.split("Your open cases")[1].split("Waiting to be allocated")[0]
    assert loads["mine"].reference in mine and "Mia Mine" in mine
    assert loads["also"].reference in mine
    assert "Receiving support" in mine
    assert reverse("pathways:case_detail", args=[loads["mine"].pk]) in mine
    today = timezone.localtime(loads["mine"].referred_at)
    assert f"{today.day} {today:%b %Y}" in mine
    waiting = content.split("Waiting to be allocated")[1]
    assert loads["waiting"].reference in waiting.split("colleagues")[0]
    others = content.split("Your colleagues' open cases")[1]
    assert colleague.display_name in others and loads["theirs"].reference in others
    assert loads["closed"].reference not in content


def test_viewing_the_caseload_is_audited_with_the_cases_shown(loads, advocate, signed_in_client):
    signed_in_client(advocate).get(URL)
    entry = AuditEvent.objects.get(actor=advocate, action="view", summary="Viewed their caseload")
    shown = {str(loads[key].pk) for key in ("mine", "also", "theirs", "waiting")}
    assert set(entry.changes["cases"]) == shown


def test_an_empty_caseload_says_so(advocate, signed_in_client):
    content = signed_in_client(advocate).get(URL).content.decode()
    assert "You have no open IDVA advocacy service cases." in content
    assert not AuditEvent.objects.filter(actor=advocate, summary="Viewed their caseload").exists()


@pytest.mark.parametrize("who", ["social_worker", "coordinator", "manager", "auditor"])
def test_a_user_without_a_caseload_gets_404_and_a_denied_entry(
    loads, social_worker, advocate, signed_in_client, who
):
    users = {
        "social_worker": social_worker,  # referred the cases, but is not allocated them
        "coordinator": UserFactory(agency=advocate.agency, role=role("panel_coordinator")),
        "manager": UserFactory(agency=advocate.agency, role=role("manager")),
        "auditor": UserFactory(agency=advocate.agency, role=role("auditor")),
    }
    response = signed_in_client(users[who]).get(URL)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=users[who], action="denied").exists()
    assert loads["mine"].reference not in response.content.decode()


def test_another_charitys_advocate_sees_an_empty_caseload_and_no_case(loads, signed_in_client):
    stranger = UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY))
    client = signed_in_client(stranger)
    content = client.get(URL).content.decode()
    assert all(case.reference not in content for case in loads.values())
    # ... and a case's id, guessed or copied from elsewhere, is a 404.
    detail = reverse("pathways:case_detail", args=[loads["mine"].pk])
    assert client.get(detail).status_code == 404


def test_the_page_needs_signing_in(client):
    assert client.get(URL).status_code == 302


def test_the_number_of_queries_does_not_grow_with_the_caseload(refer, advocate, signed_in_client):
    client = signed_in_client(advocate)
    case_transition(actor=advocate, case=refer("One", "Case"), transition="accept")
    client.get(URL)  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for n in range(4):
        case_transition(actor=advocate, case=refer(f"More{n}", "Cases"), transition="accept")
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL).status_code == 200
    assert len(five) == len(one)


# --- navigation ----------------------------------------------------------------------------


def _nav(client, url=None) -> str:
    content = client.get(url or reverse("web:home")).content.decode()
    return content.split('id="navigation"')[1].split("</ul>")[0]


def test_the_caseload_link_is_in_the_advocates_navigation_only(
    advocate, social_worker, signed_in_client
):
    assert f'href="{URL}"' in _nav(signed_in_client(advocate))
    assert f'href="{URL}"' not in _nav(signed_in_client(social_worker))


def test_on_the_caseload_page_only_its_own_link_is_current(loads, advocate, signed_in_client):
    nav = _nav(signed_in_client(advocate), URL)
    current = [part for part in nav.split("<li")[1:] if 'aria-current="true"' in part]
    assert len(current) == 1 and f'href="{URL}"' in current[0]


def test_on_a_case_page_the_cases_link_stays_current(loads, advocate, signed_in_client):
    nav = _nav(signed_in_client(advocate), reverse("pathways:case_detail", args=[loads["mine"].pk]))
    current = [part for part in nav.split("<li")[1:] if 'aria-current="true"' in part]
    assert len(current) == 1 and f'href="{reverse("pathways:case_list")}"' in current[0]


def test_referred_dates_show_in_local_time(refer, advocate, signed_in_client):
    case = refer("Late", "Night")
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    Case.objects.filter(pk=case.pk).update(referred_at=datetime(2025, 6, 30, 23, 30, tzinfo=UTC))
    case_transition(actor=advocate, case=case, transition="accept")
    content = signed_in_client(advocate).get(URL).content.decode()
    assert "1 Jul 2025" in content
