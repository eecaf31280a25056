"""Serious Adult Violence panel referrals: what the panel asks, and that it is for adults."""

from datetime import UTC, date, datetime

import pytest

from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case
from casebridge.violence.sav import sav_referral_create
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

REFERRED_AT = datetime(2023, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def probation_officer():
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.PROBATION))


def refer(actor, subject, **overrides):
    arguments = {
        "actor": actor,
        "subject": subject,
        "referral_reason": "Released on licence after a knife-point robbery",
        "consent": Case.Consent.NOT_ASKED,
        "lawful_basis": Case.LawfulBasis.PUBLIC_TASK,
        "gang_affiliated": True,
        "youth_transition": True,
        "referred_at": REFERRED_AT,
    } | overrides
    return sav_referral_create(**arguments)


def person_born(actor, born):
    return PersonFactory(recorded_by_agency=actor.agency, date_of_birth=born)


def test_a_probation_officer_refers_with_gang_affiliation_transition_and_age(probation_officer):
    case = refer(probation_officer, person_born(probation_officer, date(2004, 6, 1)))

    assert case.pathway.code == "sav"
    assert case.state == "referred"
    assert case.referring_agency == probation_officer.agency
    assert case.referred_by == probation_officer
    assert (case.sav.age_at_referral, case.sav.gang_affiliated, case.sav.youth_transition) == (
        18,
        True,
        True,
    )


def test_the_details_are_audited_with_the_referral(probation_officer):
    case = refer(
        probation_officer,
        person_born(probation_officer, date(1990, 1, 1)),
        gang_affiliated=False,
        youth_transition=False,
    )

    details = AuditEvent.objects.get(object_id=str(case.pk), action="change")
    assert details.changes == {
        "age_at_referral": 33,
        "gang_affiliated": False,
        "youth_transition": False,
    }


@pytest.mark.parametrize(
    ("born", "refused"),
    [(date(2005, 1, 10), False), (date(2005, 1, 11), True)],
    ids=["18th-birthday-that-day", "18-the-next-day"],
)
def test_someone_under_18_on_the_referral_day_is_refused(probation_officer, born, refused):
    subject = person_born(probation_officer, born)

    if refused:
        with pytest.raises(ApplicationError, match="for adults; this person is 17"):
            refer(probation_officer, subject)
        assert not Case.objects.filter(subject=subject).exists()
    else:
        assert refer(probation_officer, subject).sav.age_at_referral == 18


def test_an_unknown_date_of_birth_is_referred_with_the_age_blank(probation_officer):
    case = refer(probation_officer, person_born(probation_officer, None))

    assert case.sav.age_at_referral is None
