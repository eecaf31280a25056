"""Hand-built serious-violence and exploitation records for the figures (written straight to
the database: the services that write them have their own tests)."""

from datetime import date, datetime

from casebridge.agencies.models import Agency
from casebridge.exploitation.models import MissingEpisode, NrmReferral
from casebridge.incidents.models import Incident
from casebridge.panels.models import Meeting
from casebridge.pathways.models import Case, Pathway
from casebridge.people.models import Person
from casebridge.victims.models import VictimReferral
from casebridge.violence.models import SavReferral, SirmProposal
from tests.analytics.fixtures import pathway_case
from tests.assessments.factories import AssessmentFactory
from tests.factories import AgencyFactory, PersonFactory, UserFactory
from tests.panels.factories import AgendaItemFactory, MeetingFactory


def police() -> Agency:
    return Agency.objects.filter(kind=Agency.Kind.POLICE).first() or AgencyFactory(kind="police")


def incident(
    occurred_at: datetime,
    *,
    category: str = Incident.Category.VIOLENCE_WITH_INJURY,
    weapon: str = "",
    injury: str = "",
    kidnapping: bool = False,
    victim: Person | None = None,
    victim_born: date = date(1990, 5, 17),
    ward: str = "",
    outside_borough: bool = False,
    reporter: Agency | None = None,
) -> Incident:
    """A police-recorded offence (another agency's with ``reporter``) against a new victim
    born on ``victim_born``, unless ``victim`` is given."""
    agency = reporter or police()
    return Incident.objects.create(
        reporting_agency=agency,
        reference=f"CRIS-{Incident.objects.count() + 1}",
        category=category,
        occurred_at=occurred_at,
        victim=victim or PersonFactory(date_of_birth=victim_born, sex="male"),
        weapon=weapon,
        firearm_discharged=False,
        kidnapping=kidnapping,
        injury=injury,
        ward=ward,
        outside_borough=outside_borough,
    )


def youth_on(day: date, years: int) -> date:
    """A date of birth making someone ``years`` old on ``day`` (their birthday that day)."""
    return day.replace(year=day.year - years)


def sirm_proposal(
    proposed_at: datetime, *, status: str = SirmProposal.Status.PROPOSED
) -> SirmProposal:
    case = pathway_case("sirm", proposed_at) if status == SirmProposal.Status.CONVENED else None
    return SirmProposal.objects.create(
        # (a kidnapping of an adult: neither knife-enabled nor serious youth violence)
        incident=incident(proposed_at, kidnapping=True),
        proposed_at=proposed_at,
        rule_version=1,
        criteria={"met": True},
        status=status,
        case=case,
    )


def meeting(
    code: str,
    scheduled_for: datetime,
    *,
    status: str = Meeting.Status.HELD,
    follows: Meeting | None = None,
) -> Meeting:
    purpose = Meeting.Purpose.COMMUNITY_IMPACT if follows else Meeting.Purpose.PANEL
    return MeetingFactory(
        pathway=Pathway.objects.get(code=code),
        scheduled_for=scheduled_for,
        status=status,
        purpose=purpose,
        follows=follows,
    )


def on_agenda(meeting: Meeting, case: Case) -> None:
    AgendaItemFactory(meeting=meeting, case=case)


def sav_referral(
    referred_at: datetime,
    *,
    age: int = 30,
    referrer: str = Agency.Kind.PROBATION,
    gang: bool = False,
    transition: bool = False,
) -> Case:
    case = pathway_case("sav", referred_at, referrer=AgencyFactory(kind=referrer))
    SavReferral.objects.create(
        case=case, age_at_referral=age, gang_affiliated=gang, youth_transition=transition
    )
    return case


def victim_referral(
    referred_at: datetime, *, from_meeting: Meeting | None = None, kind: str = "direct"
) -> Case:
    case = pathway_case(
        "victim-coordinator", referred_at, referrer=AgencyFactory(kind=Agency.Kind.COUNCIL)
    )
    VictimReferral.objects.create(case=case, victim_kind=kind, from_meeting=from_meeting)
    return case


def exploitation_assessment(
    instrument: str, assessed_at: datetime, band: str, person: Person | None = None
) -> None:
    """A child exploitation risk assessment (``instrument`` is its code) with a final band."""
    AssessmentFactory(
        person=person or PersonFactory(date_of_birth=date(2007, 3, 1)),
        instrument_code=instrument,
        final_band=band,
        assessed_at=assessed_at,
    )


def missing_episode(
    person: Person,
    reported_at: datetime,
    *,
    returned_at: datetime | None = None,
    interviewed_on: date | None = None,
    missing_from: str = MissingEpisode.MissingFrom.HOME,
) -> MissingEpisode:
    return MissingEpisode.objects.create(
        person=person,
        missing_from=missing_from,
        reported_missing_at=reported_at,
        returned_at=returned_at,
        return_interview_on=interviewed_on,
        reporting_agency=police(),
        recorded_by=UserFactory(),
    )


def nrm_referral(
    referred_on: date,
    *,
    exploitation: str = NrmReferral.Exploitation.CRIMINAL,
    county_lines: bool = False,
    reasonable_grounds: str = NrmReferral.Decision.PENDING,
    reasonable_grounds_on: date | None = None,
) -> NrmReferral:
    return NrmReferral.objects.create(
        person=PersonFactory(date_of_birth=date(2006, 1, 1), sex="male"),
        referred_on=referred_on,
        referring_agency=AgencyFactory(kind=Agency.Kind.COUNCIL),
        exploitation=exploitation,
        county_lines=county_lines,
        reasonable_grounds=reasonable_grounds,
        reasonable_grounds_on=reasonable_grounds_on,
        recorded_by=UserFactory(),
    )
