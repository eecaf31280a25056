"""The demo-data and demo-totp commands, run against the test database."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q, QuerySet
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import User
from casebridge.agencies.models import Role
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.analytics.store import snapshot_id
from casebridge.assessments.models import Assessment
from casebridge.audit.models import AuditEvent
from casebridge.audit.verification import verify_chain
from casebridge.casework.models import Need, ServiceReferral, TierAssignment
from casebridge.demo.calendar import AS_OF
from casebridge.demo.exploitation_plan import plan_exploitation
from casebridge.demo.history import meeting_days
from casebridge.demo.offending_plan import plan_offending
from casebridge.demo.organisation import USERS, totp_key
from casebridge.demo.plan import build_plan, fingerprint
from casebridge.demo.sav_plan import RULES as SAV_RULES
from casebridge.demo.sav_plan import plan_sav
from casebridge.demo.sizes import SIZES
from casebridge.demo.violence_plan import plan_violence
from casebridge.exploitation.models import MissingEpisode, NrmReferral
from casebridge.imports.models import ImportBatch, PartnerEvent
from casebridge.imports.selectors import batch_people, recorded_by_a_batch
from casebridge.incidents.models import Incident
from casebridge.justice.models import JusticeContact
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import AgendaItem, Meeting, RiskRating
from casebridge.pathways.models import (
    Case,
    CaseEvent,
    CasePerson,
    DisclosureRequest,
    ReferralCriterion,
)
from casebridge.people.models import Address, Person, Relationship
from casebridge.plans.models import ActionPlan, Commitment
from casebridge.reports.board import RESTRICTED
from casebridge.victims.models import VictimReferral
from casebridge.violence.models import SavReferral, SirmProposal


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def tiny_demo(tiny_borough, db) -> str:
    """What demo-data printed as it loaded the session's tiny borough (tests/tiny_borough.py:
    the same size and seed, loaded once); each test runs in its own savepoint."""
    return tiny_borough.output


def replayed_people() -> QuerySet[Person]:
    """People made as the history replays, not planned with the borough: refuge residents, the
    subjects of other services' cases who were never in a MARAC case, the people named in the
    partner extracts imported at the end, and those in serious violence incidents."""
    in_marac = Person.objects.filter(
        Q(cases__pathway__code="da-marac") | Q(case_links__case__pathway__code="da-marac")
    )
    return Person.objects.filter(
        Q(refuge_stays__isnull=False)
        | Q(refuge_stays_as_child__isnull=False)
        | (Q(cases__isnull=False) & ~Q(pk__in=in_marac))
        | recorded_by_a_batch()
        # The victims and suspects in the police's serious violence extract.
        | Q(incidents_as_victim__reference__startswith="SV-")
        | Q(incidents_as_suspect__reference__startswith="SV-")
    )


def database_fingerprint() -> dict[str, list[object]]:
    planned_people = Person.objects.exclude(pk__in=replayed_people())
    people = [
        (name.given_name, name.family_name, name.person.date_of_birth)
        for person in planned_people.prefetch_related("names")
        for name in [person.primary_name]
    ]
    cases = Case.objects.filter(pathway__code="da-marac").order_by("referred_at")
    return {
        "people": sorted(people),
        "referred_at": [case.referred_at for case in cases],
    }


def test_tiny_creates_users_of_every_role_with_second_factors(tiny_demo):
    roles = set(Role.objects.values_list("code", flat=True))
    demo_users = User.objects.filter(username__in=[u.username for u in USERS])
    assert set(demo_users.values_list("roles__code", flat=True)) == roles
    for user in demo_users:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert len(bytes.fromhex(device.key)) == 20
        assert user.check_password("Kestrel-Harbour-Lantern-47")
    assert "maria.costa" in tiny_demo and "http://127.0.0.1:8000/" in tiny_demo


def test_tiny_writes_exactly_the_plan(tiny_demo):
    plan = build_plan(SIZES["tiny"], 2022)
    planned = fingerprint(plan)
    stored = database_fingerprint()
    assert stored["people"] == planned["people"]
    assert stored["referred_at"] == [r.referred_at for r in plan.referrals]
    planned_relationships = Relationship.objects.exclude(
        related_person__refuge_stays_as_child__isnull=False
    )
    assert planned_relationships.count() == len(planned["relationships"])
    perpetrators = CasePerson.objects.filter(role=CasePerson.Role.PERPETRATOR)
    assert perpetrators.filter(case__pathway__code="da-marac").count() == len(plan.referrals)
    marac = Case.objects.filter(pathway__code="da-marac")
    states = sorted(marac.values_list("state", flat=True))
    assert states == sorted(r.final_state for r in plan.referrals)
    added = CaseEvent.objects.filter(kind=CaseEvent.Kind.PERSON_ADDED).select_related("case")
    assert added and all(event.occurred_at == event.case.referred_at for event in added)
    assert Case.objects.filter(is_restricted=True).exists()
    assert Address.objects.filter(is_confidential=True).exists()
    assert verify_chain().intact


def test_tiny_history_goes_through_criteria_meetings_and_casework(tiny_demo):
    plan = build_plan(SIZES["tiny"], 2022)
    marac = Case.objects.filter(pathway__code="da-marac")
    assert not marac.filter(criteria__isnull=True).exists()  # every referral met a criterion
    repeats = ReferralCriterion.objects.filter(code="repeat").count()
    assert repeats == sum(r.is_repeat for r in plan.referrals)
    heard = [r for r in plan.referrals if r.hearing]
    items = AgendaItem.objects.filter(meeting__pathway__code="da-marac")
    assert items.count() == len(heard)
    maracs = Meeting.objects.filter(pathway__code="da-marac", status=Meeting.Status.HELD)
    assert maracs.count() == len(meeting_days())
    planned_actions = [a for r in heard for a in r.hearing.actions]
    actions = PanelAction.objects.filter(case__pathway__code="da-marac")
    assert actions.count() == len(planned_actions)
    assert actions.filter(status=PanelAction.Status.COMPLETED).count() == sum(
        a.completed_at is not None for a in planned_actions
    )
    # The advocacy service's MARAC victims (it has referrals from elsewhere too).
    idva = Case.objects.filter(pathway__code="idva", subject__cases__pathway__code="da-marac")
    assert idva.distinct().count() == sum(r.casework is not None for r in plan.referrals)
    assert CaseEvent.objects.filter(case__in=idva, kind=CaseEvent.Kind.ACTIVITY).exists()


def test_tiny_history_is_dated_when_it_happened(tiny_demo, tiny_borough):
    """The clock is set to each step: the audit trail reads as the two years it replays."""
    first = Case.objects.filter(pathway__code="da-marac").earliest("referred_at")
    entry = AuditEvent.objects.get(object_type="case", object_id=str(first.pk), action="create")
    assert entry.occurred_at == first.referred_at
    done = PanelAction.objects.filter(completed_at__isnull=False)
    assert done and all(a.agreed_at <= a.completed_at <= AS_OF for a in done)
    later = AuditEvent.objects.filter(occurred_at__gt=AS_OF).exclude(action="view")
    # The session took its snapshot of the borough today, after the demo's history.
    taken = later.filter(object_type="snapshot", object_id=snapshot_id(tiny_borough.snapshot))
    assert taken.count() == 1 and not later.exclude(pk__in=taken).exists()


def test_totp_keys_come_from_the_seed_and_username(tiny_demo):
    device = TOTPDevice.objects.get(user__username="maria.costa")
    assert device.key == totp_key(2022, "maria.costa")
    assert totp_key(2022, "maria.costa") != totp_key(2023, "maria.costa")


def test_tiny_history_records_police_incidents_outcomes_and_clares_law(tiny_demo):
    police = Incident.objects.filter(reporting_agency__code="nb-police", domestic_abuse=True)
    injuries = police.filter(category=Incident.Category.VIOLENCE_WITH_INJURY)
    assert police.count() > 300 and 0.1 <= injuries.count() / police.count() <= 0.2
    assert injuries.exclude(outcome="").exists()
    assert DisclosureRequest.objects.filter(case__pathway__code="da-marac").exists()
    assert verify_chain().intact


def test_if_empty_leaves_a_populated_database_alone(tiny_demo):
    counts = (Person.objects.count(), Case.objects.count(), User.objects.count())
    output = run("demo_data", "--size", "tiny", "--if-empty")
    assert "nothing generated" in output and "maria.costa" in output
    assert (Person.objects.count(), Case.objects.count(), User.objects.count()) == counts


def test_the_sign_in_banner_names_the_address_the_demo_is_served_at(tiny_demo):
    output = run("demo_data", "--size", "tiny", "--if-empty", "--url", "http://127.0.0.1:8010/")
    assert "Sign in at http://127.0.0.1:8010/" in output


def test_without_if_empty_a_populated_database_is_refused(tiny_demo):
    with pytest.raises(CommandError):
        run("demo_data", "--size", "tiny")


def test_demo_totp_prints_the_current_code(tiny_demo):
    device = TOTPDevice.objects.get(user__username="sam.okafor")
    code = run("demo_totp", "sam.okafor").strip()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert code.isdigit() and len(code) == 6
    # The code of this 30-second step or, if the step turned while running, the previous one.
    assert int(code) in {totp.token(), TOTP(device.bin_key, drift=-1).token()}


def test_demo_totp_refuses_outside_demo_settings(tiny_demo, settings):
    settings.CASEBRIDGE_DEMO = False
    with pytest.raises(CommandError, match="demo settings"):
        run("demo_totp", "sam.okafor")


def test_demo_totp_refuses_other_users(tiny_demo):
    with pytest.raises(CommandError):
        run("demo_totp", "demo-generator-nb-police")


def test_tiny_imports_the_police_and_probation_extracts(tiny_demo):
    batches = {batch.kind: batch for batch in ImportBatch.objects.all()}
    assert {"police-custody", "probation-events"} <= set(batches)
    custody = batches["police-custody"]
    assert custody.status == ImportBatch.Status.LOADED and custody.rows_rejected == 2
    assert custody.rows_loaded > 0 and batch_people(custody).exists()
    assert PartnerEvent.objects.filter(kind="probation-events").exists()


# --- reducing reoffending in the tiny demo (the plan's own tests are in test_offending.py) -----

TINY = plan_offending(2022, SIZES["tiny"].activity_scale)  # what the tiny demo was written from


def test_tiny_iom_cohort_has_tiers_needs_and_mentoring(tiny_demo):
    iom = Case.objects.filter(pathway__code="iom")
    assert iom.count() == len(TINY.members)
    adopted = iom.exclude(state__in=["proposed", "not_adopted"])
    assert adopted.count() == sum(m.adopted_on is not None for m in TINY.members)
    assert not adopted.filter(tier_assignments__isnull=True).exists()
    assert TierAssignment.objects.filter(case__in=iom).count() == sum(
        len(m.tiers) for m in TINY.members
    )
    assert Need.objects.filter(case__in=iom).exclude(outcome="").exists()
    academy = ServiceReferral.objects.filter(case__in=iom, service="fitness_academy")
    assert academy.exists() and all("mentoring" in r.elements_completed for r in academy)
    contacts = CaseEvent.objects.filter(case__in=iom, kind=CaseEvent.Kind.ACTIVITY)
    assert contacts.count() >= sum(len(m.contacts) for m in TINY.members)


def test_tiny_offence_histories_attach_to_the_cohort(tiny_demo):
    cohort = Case.objects.filter(pathway__code="iom").exclude(state="not_adopted")
    people = cohort.values("subject")
    planned = sum(len(m.offender.offences) for m in TINY.members)
    assert Incident.objects.filter(suspect__in=people).count() == planned
    convictions = PartnerEvent.objects.filter(kind="court-outcomes", person__in=people)
    assert convictions.count() == sum(
        1 for m in TINY.members for o in m.offender.offences if o.court_on
    )
    assert PartnerEvent.objects.filter(kind="probation-events", person__in=people).exists()


def test_tiny_young_peoples_offences_attach_to_one_person_holding_their_pnc(tiny_demo):
    for young in TINY.young_people:
        incidents = Incident.objects.filter(reference__in=[o.reference for o in young.offences])
        (suspect,) = {incident.suspect for incident in incidents}
        assert young.pnc in suspect.identifiers.values_list("value", flat=True)


def test_tiny_womens_cases_have_contacts_needs_and_justice_contacts(tiny_demo):
    women = Case.objects.filter(pathway__code="womens-whole-system")
    assert women.count() == len(TINY.women)
    supported = women.exclude(state__in=["referred", "not_engaged"])
    assert supported.exists()
    assert CaseEvent.objects.filter(case__in=supported, kind=CaseEvent.Kind.ACTIVITY).exists()
    assert Need.objects.filter(case__in=supported).exists()
    assert JusticeContact.objects.filter(case__in=supported).exists()


def test_tiny_has_the_blueprint_plan_with_overdue_commitments(tiny_demo):
    plan = ActionPlan.objects.get(code="london-blueprint")
    commitments = plan.commitments.all()
    assert commitments.count() == 9
    statuses = set(commitments.values_list("status", flat=True))
    assert {"done", "at_risk", "dropped"} <= statuses
    overdue = commitments.filter(due_on__lt=date(2023, 3, 31)).exclude(
        status__in=[Commitment.Status.DONE, Commitment.Status.DROPPED]
    )
    assert overdue.exists()
    assert all(c.updates.exists() for c in commitments)


# --- violence, vulnerability and exploitation in the tiny demo ---------------------------------

SCALE = SIZES["tiny"].activity_scale
VIOLENCE = plan_violence(2022, SCALE)
SAV = plan_sav(2022, SCALE)
YOUNG = plan_exploitation(2022, SCALE)


def test_tiny_police_record_knife_enabled_offences_and_serious_youth_violence(tiny_demo):
    serious = Incident.objects.filter(reference__startswith="SV-")
    assert serious.count() == len(VIOLENCE.incidents)
    knife = serious.filter(weapon=Incident.Weapon.KNIFE)
    assert knife.filter(injury=Incident.Injury.INJURY).exists()
    assert knife.filter(injury=Incident.Injury.NONE).exists()
    young = [i.reference for i in VIOLENCE.incidents if i.serious_youth_violence]
    assert young and serious.filter(
        reference__in=young, victim__sex=Person.Sex.MALE
    ).count() == len(young)


def test_tiny_sirm_proposals_are_convened_with_risk_ratings_and_actions(tiny_demo):
    assert SirmProposal.objects.count() == len(VIOLENCE.sirms)
    convened = SirmProposal.objects.filter(status=SirmProposal.Status.CONVENED)
    assert convened.count() == sum(s.convened for s in VIOLENCE.sirms)
    sirms = Meeting.objects.filter(pathway__code="sirm", purpose=Meeting.Purpose.PANEL)
    held = sirms.filter(status__in=[Meeting.Status.HELD, Meeting.Status.CLOSED])
    assert held.exists()
    items = AgendaItem.objects.filter(meeting__in=held)
    assert RiskRating.objects.filter(agenda_item__in=items).values("area").distinct().count() >= 3
    assert PanelAction.objects.filter(agenda_item__in=items).exists()


def test_tiny_sirm_is_followed_by_a_community_impact_meeting_with_a_school(tiny_demo):
    impacts = Meeting.objects.filter(pathway__code="sirm", purpose=Meeting.Purpose.COMMUNITY_IMPACT)
    assert impacts.count() == sum(s.community_impact_at is not None for s in VIOLENCE.sirms)
    impact = impacts.first()
    assert impact.follows.purpose == Meeting.Purpose.PANEL
    assert impact.attendees.filter(agency__kind="school").exists()
    assert impact.summary and not impact.agenda.exists()


def test_tiny_sav_panel_meets_monthly_and_reviews_its_cases(tiny_demo):
    assert SavReferral.objects.count() == len(SAV)
    meetings = Meeting.objects.filter(pathway__code="sav")
    assert meetings.filter(status=Meeting.Status.CLOSED).count() == len(SAV_RULES.days)
    items = AgendaItem.objects.filter(meeting__in=meetings)
    assert items.count() == sum(len(r.case.meetings) for r in SAV)
    assert items.values("case").distinct().count() < items.count()  # reviewed again


def test_tiny_exploitation_cases_have_screenings_missing_episodes_and_nrm(tiny_demo):
    cases = Case.objects.filter(pathway__code="exploitation")
    assert cases.count() == len(YOUNG)
    screened = set(
        Assessment.objects.filter(person__cases__in=cases).values_list(
            "instrument__code", flat=True
        )
    )
    assert screened == {"child-sexual-exploitation-risk", "child-criminal-exploitation-risk"}
    assert MissingEpisode.objects.count() == sum(len(y.missing) for y in YOUNG) > 0
    from_care = MissingEpisode.objects.filter(missing_from=MissingEpisode.MissingFrom.CARE)
    assert not from_care.filter(person__care_experienced=False).exists()
    assert NrmReferral.objects.count() == sum(y.nrm is not None for y in YOUNG) > 0
    rescue = ServiceReferral.objects.filter(case__in=cases, service="rescue_and_response")
    assert rescue.count() == sum(y.rescue_on is not None for y in YOUNG) > 0


def test_tiny_victim_coordinator_has_referrals_from_a_meeting_and_an_agency(tiny_demo):
    referrals = VictimReferral.objects.select_related("case")
    assert referrals.filter(from_meeting__isnull=False).exists()
    from_agency = referrals.filter(from_meeting__isnull=True)
    assert from_agency.filter(case__referring_agency__code="nb-homes").exists()
    worked = CaseEvent.objects.filter(
        case__in=[r.case for r in referrals], kind=CaseEvent.Kind.ACTIVITY
    )
    assert worked.exists()


def test_tiny_board_report_regenerates_the_violence_and_exploitation_sections(
    tiny_demo, tiny_borough
):
    engine = tiny_borough.engine
    years = [parse_period("21/22"), parse_period("22/23")]
    for indicator in (
        "knife-enabled-offences",
        "serious-youth-violence-incidents",
        "sirm-proposals",
        "sirms-held",
        "community-impact-meetings",
        "sav-individuals-discussed",
        "sav-new-referrals",
        "cse-risk-identified",
        "cce-risk-identified",
        "missing-episodes",
        "nrm-referrals",
        "county-lines-service-referrals",
        "victim-coordinator-referrals",
    ):
        counted = [engine.figure(registry()[indicator], year).value or 0 for year in years]
        assert sum(counted) > 0, indicator
    report = tiny_borough.report("Q4 22/23", RESTRICTED)
    sections = {section.title: section for section in report.sections}
    for title in ("Serious youth and adult violence", "Vulnerability and exploitation"):
        assert sections[title].tables and sections[title].narrative


def test_tiny_stores_no_linkage_model_from_too_few_duplicates_and_links_nothing(tiny_demo):
    from casebridge.linkage.models import LinkageModel, PersonMerge

    assert "identity resolution: no model (No model was stored" in tiny_demo
    assert not LinkageModel.objects.exists()
    assert not PersonMerge.objects.exists()
