"""Who sees and runs Serious Adult Violence cases: the panel's coordinators, and an agency only
for the meetings it attends (need to know), never MARAC's coordinators."""

import pytest

from casebridge.access.policy import AccessDenied
from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case
from casebridge.pathways.selectors import case_get, case_list
from casebridge.pathways.services import case_transition
from casebridge.violence.sav import sav_referral_create
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role
from tests.panels.factories import AgendaItemFactory, MeetingAttendeeFactory
from tests.violence.sav_factories import SavCaseFactory, SavMeetingFactory, sav

pytestmark = pytest.mark.django_db


@pytest.fixture
def vve_coordinator():
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.COUNCIL), role=role("vve_coordinator"))


@pytest.fixture
def on_agenda(vve_coordinator):
    """A probation case on a SAV meeting the police attend and housing does not."""
    probation = AgencyFactory(kind=Agency.Kind.PROBATION)
    meeting = SavMeetingFactory(chair=vve_coordinator)
    police = MeetingAttendeeFactory(meeting=meeting, agency=AgencyFactory()).agency
    case = SavCaseFactory(owner_agency=probation)
    AgendaItemFactory(meeting=meeting, case=case)
    return {"meeting": meeting, "case": case, "police": police}


def test_an_attending_agency_sees_the_case_and_a_non_attending_one_does_not(on_agenda):
    attending = UserFactory(agency=on_agenda["police"])
    outsider = UserFactory(agency=AgencyFactory(kind=Agency.Kind.HOUSING))

    assert case_get(user=attending, case_id=on_agenda["case"].pk) == on_agenda["case"]
    with pytest.raises(AccessDenied):
        case_get(user=outsider, case_id=on_agenda["case"].pk)


def test_a_non_attending_practitioner_guessing_ids_gets_not_found(on_agenda, signed_in_client):
    client = signed_in_client(UserFactory(agency=AgencyFactory(kind=Agency.Kind.HOUSING)))

    assert client.get(f"/cases/{on_agenda['case'].pk}/").status_code == 404
    assert client.get(f"/meetings/{on_agenda['meeting'].pk}/").status_code == 404


def test_a_marac_coordinator_sees_no_sav_case(on_agenda):
    marac_coordinator = UserFactory(
        agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role("panel_coordinator")
    )

    assert not case_list(user=marac_coordinator, pathway=sav()).exists()
    with pytest.raises(AccessDenied):
        case_get(user=marac_coordinator, case_id=on_agenda["case"].pk)


def test_the_vve_coordinator_sees_every_sav_case_whoever_referred_it(vve_coordinator, on_agenda):
    on_no_agenda = SavCaseFactory(owner_agency=AgencyFactory(kind=Agency.Kind.POLICE))

    assert set(case_list(user=vve_coordinator, pathway=sav())) == {on_agenda["case"], on_no_agenda}


def test_the_vve_coordinator_accepts_a_probation_referral(vve_coordinator):
    officer = UserFactory(agency=AgencyFactory(kind=Agency.Kind.PROBATION))
    case = sav_referral_create(
        actor=officer,
        subject=PersonFactory(recorded_by_agency=officer.agency),
        referral_reason="Leaving youth custody; carried a knife at the time of arrest",
        consent=Case.Consent.GIVEN,
        lawful_basis=Case.LawfulBasis.CONSENT,
        gang_affiliated=False,
        youth_transition=True,
    )

    assert (
        case_transition(actor=vve_coordinator, case=case, transition="accept").state == "accepted"
    )
