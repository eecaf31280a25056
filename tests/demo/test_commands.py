"""The demo-data and demo-totp commands, run against the test database."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q, QuerySet
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import User
from casebridge.agencies.models import Role
from casebridge.audit.models import AuditEvent
from casebridge.audit.verification import verify_chain
from casebridge.casework.models import Need, ServiceReferral, TierAssignment
from casebridge.demo.calendar import AS_OF
from casebridge.demo.history import meeting_days
from casebridge.demo.offending_plan import plan_offending
from casebridge.demo.organisation import USERS, totp_key
from casebridge.demo.plan import build_plan, fingerprint
from casebridge.demo.sizes import SIZES
from casebridge.imports.models import ImportBatch, PartnerEvent
from casebridge.incidents.models import Incident
from casebridge.justice.models import JusticeContact
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import AgendaItem, Meeting
from casebridge.pathways.models import (
    Case,
    CaseEvent,
    CasePerson,
    DisclosureRequest,
    ReferralCriterion,
)
from casebridge.people.models import Address, Person, Relationship
from casebridge.plans.models import ActionPlan, Commitment


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def tiny_borough_once(django_db_setup, django_db_blocker):
    """The tiny borough, loaded once for this module inside a transaction rolled back at its
    end (loading takes seconds; each test still runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run("demo_data", "--size", "tiny", "--seed", "2022")
        transaction.set_rollback(True)


@pytest.fixture
def tiny_borough(tiny_borough_once, db):
    return tiny_borough_once


def replayed_people() -> QuerySet[Person]:
    """People made as the history replays, not planned with the borough: refuge residents, the
    subjects of other services' cases who were never in a MARAC case, and the people named in
    the partner extracts imported at the end."""
    in_marac = Person.objects.filter(
        Q(cases__pathway__code="da-marac") | Q(case_links__case__pathway__code="da-marac")
    )
    return Person.objects.filter(
        Q(refuge_stays__isnull=False)
        | Q(refuge_stays_as_child__isnull=False)
        | (Q(cases__isnull=False) & ~Q(pk__in=in_marac))
        | Q(import_batches__isnull=False)
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


def test_tiny_creates_users_of_every_role_with_second_factors(tiny_borough):
    roles = set(Role.objects.values_list("code", flat=True))
    demo_users = User.objects.filter(username__in=[u.username for u in USERS])
    assert set(demo_users.values_list("role__code", flat=True)) == roles
    for user in demo_users:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert len(bytes.fromhex(device.key)) == 20
        assert user.check_password("Kestrel-Harbour-Lantern-47")
    assert "maria.costa" in tiny_borough and "http://127.0.0.1:8000/" in tiny_borough


def test_tiny_writes_exactly_the_plan(tiny_borough):
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


def test_tiny_history_goes_through_criteria_meetings_and_casework(tiny_borough):
    plan = build_plan(SIZES["tiny"], 2022)
    marac = Case.objects.filter(pathway__code="da-marac")
    assert not marac.filter(criteria__isnull=True).exists()  # every referral met a criterion
    repeats = ReferralCriterion.objects.filter(code="repeat").count()
    assert repeats == sum(r.is_repeat for r in plan.referrals)
    heard = [r for r in plan.referrals if r.hearing]
    assert AgendaItem.objects.count() == len(heard)
    assert Meeting.objects.filter(status=Meeting.Status.HELD).count() == len(meeting_days())
    planned_actions = [a for r in heard for a in r.hearing.actions]
    assert PanelAction.objects.count() == len(planned_actions)
    assert PanelAction.objects.filter(status=PanelAction.Status.COMPLETED).count() == sum(
        a.completed_at is not None for a in planned_actions
    )
    # The advocacy service's MARAC victims (it has referrals from elsewhere too).
    idva = Case.objects.filter(pathway__code="idva", subject__cases__pathway__code="da-marac")
    assert idva.distinct().count() == sum(r.casework is not None for r in plan.referrals)
    assert CaseEvent.objects.filter(case__in=idva, kind=CaseEvent.Kind.ACTIVITY).exists()


def test_tiny_history_is_dated_when_it_happened(tiny_borough):
    """The clock is set to each step: the audit trail reads as the two years it replays."""
    first = Case.objects.filter(pathway__code="da-marac").earliest("referred_at")
    entry = AuditEvent.objects.get(object_type="case", object_id=str(first.pk), action="create")
    assert entry.occurred_at == first.referred_at
    done = PanelAction.objects.filter(completed_at__isnull=False)
    assert done and all(a.agreed_at <= a.completed_at <= AS_OF for a in done)
    assert not AuditEvent.objects.filter(occurred_at__gt=AS_OF).exclude(action="view").exists()


def test_totp_keys_come_from_the_seed_and_username(tiny_borough):
    device = TOTPDevice.objects.get(user__username="maria.costa")
    assert device.key == totp_key(2022, "maria.costa")
    assert totp_key(2022, "maria.costa") != totp_key(2023, "maria.costa")


def test_tiny_history_records_police_incidents_outcomes_and_clares_law(tiny_borough):
    police = Incident.objects.filter(reporting_agency__code="nb-police", domestic_abuse=True)
    injuries = police.filter(category=Incident.Category.VIOLENCE_WITH_INJURY)
    assert police.count() > 300 and 0.1 <= injuries.count() / police.count() <= 0.2
    assert injuries.exclude(outcome="").exists()
    assert DisclosureRequest.objects.filter(case__pathway__code="da-marac").exists()
    assert verify_chain().intact


def test_if_empty_leaves_a_populated_database_alone(tiny_borough):
    counts = (Person.objects.count(), Case.objects.count(), User.objects.count())
    output = run("demo_data", "--size", "tiny", "--if-empty")
    assert "nothing generated" in output and "maria.costa" in output
    assert (Person.objects.count(), Case.objects.count(), User.objects.count()) == counts


def test_without_if_empty_a_populated_database_is_refused(tiny_borough):
    with pytest.raises(CommandError):
        run("demo_data", "--size", "tiny")


def test_demo_totp_prints_the_current_code(tiny_borough):
    device = TOTPDevice.objects.get(user__username="sam.okafor")
    code = run("demo_totp", "sam.okafor").strip()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert code.isdigit() and len(code) == 6
    # The code of this 30-second step or, if the step turned while running, the previous one.
    assert int(code) in {totp.token(), TOTP(device.bin_key, drift=-1).token()}


def test_demo_totp_refuses_outside_demo_settings(tiny_borough, settings):
    settings.CASEBRIDGE_DEMO = False
    with pytest.raises(CommandError, match="demo settings"):
        run("demo_totp", "sam.okafor")


def test_demo_totp_refuses_other_users(tiny_borough):
    with pytest.raises(CommandError):
        run("demo_totp", "demo-generator-nb-police")


def test_tiny_imports_the_police_and_probation_extracts(tiny_borough):
    batches = {batch.kind: batch for batch in ImportBatch.objects.all()}
    assert {"police-custody", "probation-events"} <= set(batches)
    custody = batches["police-custody"]
    assert custody.status == ImportBatch.Status.LOADED and custody.rows_rejected == 2
    assert custody.rows_loaded > 0 and custody.people.exists()
    assert PartnerEvent.objects.filter(kind="probation-events").exists()


# --- reducing reoffending in the tiny demo (the plan's own tests are in test_offending.py) -----

TINY = plan_offending(2022, SIZES["tiny"].activity_scale)  # what the tiny demo was written from


def test_tiny_iom_cohort_has_tiers_needs_and_mentoring(tiny_borough):
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


def test_tiny_offence_histories_attach_to_the_cohort(tiny_borough):
    cohort = Case.objects.filter(pathway__code="iom").exclude(state="not_adopted")
    people = cohort.values("subject")
    planned = sum(len(m.offender.offences) for m in TINY.members)
    assert Incident.objects.filter(suspect__in=people).count() == planned
    convictions = PartnerEvent.objects.filter(kind="court-outcomes", person__in=people)
    assert convictions.count() == sum(
        1 for m in TINY.members for o in m.offender.offences if o.court_on
    )
    assert PartnerEvent.objects.filter(kind="probation-events", person__in=people).exists()


def test_tiny_young_peoples_offences_attach_to_one_person_holding_their_pnc(tiny_borough):
    for young in TINY.young_people:
        incidents = Incident.objects.filter(reference__in=[o.reference for o in young.offences])
        (suspect,) = {incident.suspect for incident in incidents}
        assert young.pnc in suspect.identifiers.values_list("value", flat=True)


def test_tiny_womens_cases_have_contacts_needs_and_justice_contacts(tiny_borough):
    women = Case.objects.filter(pathway__code="womens-whole-system")
    assert women.count() == len(TINY.women)
    supported = women.exclude(state__in=["referred", "not_engaged"])
    assert supported.exists()
    assert CaseEvent.objects.filter(case__in=supported, kind=CaseEvent.Kind.ACTIVITY).exists()
    assert Need.objects.filter(case__in=supported).exists()
    assert JusticeContact.objects.filter(case__in=supported).exists()


def test_tiny_has_the_blueprint_plan_with_overdue_commitments(tiny_borough):
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
