"""MARAC referral criteria worked out from the records, on their boundaries."""

from datetime import UTC, date, datetime, timedelta

import pytest

from casebridge.agencies.models import Agency
from casebridge.core.errors import ApplicationError
from casebridge.incidents.models import Incident
from casebridge.panels.marac import marac_referral_create
from casebridge.pathways.models import Case, CasePerson, MaracReferral
from casebridge.people.models import Person
from tests.factories import AgencyFactory, CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

REFERRED_AT = datetime(2023, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def officer():
    return UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))


@pytest.fixture
def victim(officer):
    return PersonFactory(recorded_by_agency=officer.agency, date_of_birth=date(1990, 3, 1))


@pytest.fixture
def perpetrator(officer):
    return PersonFactory(recorded_by_agency=officer.agency, sex=Person.Sex.MALE)


def refer(officer, victim, perpetrator, **overrides):
    arguments = {
        "actor": officer,
        "victim": victim,
        "perpetrators": [perpetrator],
        "relationship": MaracReferral.Relationship.EX_PARTNER,
        "victim_aware": True,
        "referral_reason": "Escalating abuse since separation",
        "consent": Case.Consent.GIVEN,
        "lawful_basis": Case.LawfulBasis.CONSENT,
        "referred_at": REFERRED_AT,
    } | overrides
    return marac_referral_create(**arguments)


def earlier_referral(victim, perpetrator, referred_at, state="closed"):
    case = CaseFactory(subject=victim, referred_at=referred_at, state=state)
    CasePerson.objects.create(case=case, person=perpetrator, role=CasePerson.Role.PERPETRATOR)
    return case


def criteria(case):
    return sorted(case.criteria.values_list("code", flat=True))


def incident(officer, victim, occurred_at, reference, agency=None):
    return Incident.objects.create(
        reporting_agency=agency or officer.agency,
        reference=reference,
        category=Incident.Category.DOMESTIC_ABUSE,
        domestic_abuse=True,
        occurred_at=occurred_at,
        victim=victim,
    )


def test_a_referral_exactly_12_months_after_the_last_is_a_repeat(officer, victim, perpetrator):
    last = earlier_referral(victim, perpetrator, datetime(2022, 1, 10, 12, 0, tzinfo=UTC))
    case = refer(officer, victim, perpetrator)
    assert criteria(case) == ["repeat"]
    assert case.marac.repeat_of == last


def test_a_referral_a_minute_past_12_months_is_not_a_repeat(officer, victim, perpetrator):
    earlier_referral(victim, perpetrator, datetime(2022, 1, 10, 11, 59, tzinfo=UTC))
    with pytest.raises(ApplicationError):
        refer(officer, victim, perpetrator)
    assert not Case.objects.filter(referred_at=REFERRED_AT).exists()


def test_a_different_perpetrator_is_a_new_case_not_a_repeat(officer, victim, perpetrator):
    earlier_referral(victim, PersonFactory(), datetime(2022, 6, 1, tzinfo=UTC))
    case = refer(officer, victim, perpetrator, judgement_reason="Threats to kill last week")
    assert criteria(case) == ["professional_judgement"]
    assert case.marac.repeat_of is None


def test_a_declined_referral_does_not_make_the_next_a_repeat(officer, victim, perpetrator):
    earlier_referral(victim, perpetrator, datetime(2022, 6, 1, tzinfo=UTC), state="declined")
    with pytest.raises(ApplicationError):
        refer(officer, victim, perpetrator)


def test_a_new_victim_record_merged_with_the_old_one_is_a_repeat(officer, victim, perpetrator):
    earlier_referral(victim, perpetrator, datetime(2022, 6, 1, tzinfo=UTC))
    duplicate = PersonFactory(recorded_by_agency=officer.agency, merged_into=victim)
    case = refer(officer, duplicate, perpetrator)
    assert criteria(case) == ["repeat"]


def test_three_police_incidents_in_12_months_is_potential_escalation(officer, victim, perpetrator):
    for days, reference in ((1, "A"), (100, "B"), (365, "C")):
        incident(officer, victim, REFERRED_AT - timedelta(days=days), reference)
    case = refer(officer, victim, perpetrator)
    assert criteria(case) == ["potential_escalation"]
    assert "3 incidents" in case.criteria.get().evidence


def test_domestic_violence_with_injury_offences_count_as_domestic_incidents(
    officer, victim, perpetrator
):
    for days, reference in ((1, "A"), (100, "B"), (365, "C")):
        Incident.objects.create(
            reporting_agency=officer.agency,
            reference=reference,
            category=Incident.Category.VIOLENCE_WITH_INJURY,
            domestic_abuse=reference != "C",
            occurred_at=REFERRED_AT - timedelta(days=days),
            victim=victim,
        )
    with pytest.raises(ApplicationError):  # two are domestic abuse: not yet escalation
        refer(officer, victim, perpetrator)
    incident(officer, victim, REFERRED_AT - timedelta(days=2), "D")
    assert criteria(refer(officer, victim, perpetrator)) == ["potential_escalation"]


def test_the_victims_needs_are_recorded_on_the_referral(officer, victim, perpetrator):
    case = refer(officer, victim, perpetrator, judgement_reason="Threats", needs=["alcohol"])
    assert (case.marac.alcohol_need, case.marac.mental_health_need) == (True, False)


def test_an_unknown_need_is_refused(officer, victim, perpetrator):
    with pytest.raises(ApplicationError) as error:
        refer(officer, victim, perpetrator, judgement_reason="Threats", needs=["housing"])
    assert error.value.field == "needs"


def test_an_incident_older_than_12_months_does_not_count(officer, victim, perpetrator):
    incident(officer, victim, REFERRED_AT - timedelta(days=1), "A")
    incident(officer, victim, REFERRED_AT - timedelta(days=100), "B")
    incident(officer, victim, datetime(2022, 1, 10, 11, 59, tzinfo=UTC), "C")
    with pytest.raises(ApplicationError):
        refer(officer, victim, perpetrator)


def test_incidents_reported_by_other_agencies_do_not_count(officer, victim, perpetrator):
    housing = AgencyFactory(kind=Agency.Kind.HOUSING)
    for days, reference in ((1, "A"), (2, "B"), (3, "C")):
        incident(officer, victim, REFERRED_AT - timedelta(days=days), reference, agency=housing)
    with pytest.raises(ApplicationError):
        refer(officer, victim, perpetrator)


def test_no_criterion_and_no_reason_is_refused_and_nothing_is_saved(officer, victim, perpetrator):
    with pytest.raises(ApplicationError) as error:
        refer(officer, victim, perpetrator)
    assert error.value.field == "judgement_reason"
    assert not Case.objects.exists()


def test_a_victim_awaiting_a_meeting_cannot_be_referred_twice(officer, victim, perpetrator):
    pending = earlier_referral(victim, perpetrator, datetime(2023, 1, 2, tzinfo=UTC), "accepted")
    with pytest.raises(ApplicationError, match=pending.reference):
        refer(officer, victim, perpetrator)


def test_the_referral_keeps_the_victims_details_as_they_were(officer, perpetrator):
    victim = PersonFactory(
        recorded_by_agency=officer.agency,
        date_of_birth=date(2006, 1, 11),
        sexual_orientation=Person.SexualOrientation.BISEXUAL,
    )
    children = [PersonFactory(recorded_by_agency=officer.agency) for _ in range(2)]
    case = refer(officer, victim, perpetrator, children=children, judgement_reason="Young victim")
    victim.sexual_orientation = Person.SexualOrientation.NOT_RECORDED
    victim.save()
    details = MaracReferral.objects.get(case=case)
    assert details.victim_age == 16
    assert details.victim_aged_16_or_17
    assert details.victim_is_lgbt is True
    assert details.children_in_household == 2
    assert sorted(case.people.values_list("role", flat=True)) == ["child", "child", "perpetrator"]


def test_a_high_risk_checklist_before_referral_is_visible_high_risk(officer, victim, perpetrator):
    from casebridge.assessments.services import assessment_complete
    from tests.assessments.factories import CHECKLIST, answers_with

    assessment_complete(
        actor=officer,
        person=victim,
        instrument_code=CHECKLIST,
        answers=answers_with(14),
        assessed_at=REFERRED_AT - timedelta(days=2),
    )
    case = refer(officer, victim, perpetrator)
    assert criteria(case) == ["visible_high_risk"]
    assert "score 14" in case.criteria.get().evidence


def test_a_medium_risk_checklist_is_not_visible_high_risk(officer, victim, perpetrator):
    from casebridge.assessments.services import assessment_complete
    from tests.assessments.factories import CHECKLIST, answers_with

    assessment_complete(
        actor=officer,
        person=victim,
        instrument_code=CHECKLIST,
        answers=answers_with(13),
        assessed_at=REFERRED_AT - timedelta(days=2),
    )
    with pytest.raises(ApplicationError):
        refer(officer, victim, perpetrator)


def test_a_victim_on_the_agenda_of_a_coming_meeting_cannot_be_referred_again(
    officer, victim, perpetrator
):
    from casebridge.panels.models import AgendaItem
    from casebridge.panels.services import meeting_schedule
    from tests.factories import role

    open_case = earlier_referral(victim, perpetrator, datetime(2022, 12, 1, tzinfo=UTC), "open")
    coordinator = UserFactory(role=role("panel_coordinator"))
    meeting = meeting_schedule(
        actor=coordinator,
        pathway=open_case.pathway,
        scheduled_for=REFERRED_AT + timedelta(days=3),
        title="MARAC",
        attending_agencies=[officer.agency],
    )
    AgendaItem.objects.create(meeting=meeting, case=open_case, position=1)
    with pytest.raises(ApplicationError, match="on the agenda"):
        refer(officer, victim, perpetrator)
