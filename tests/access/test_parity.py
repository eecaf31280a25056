"""A list and a page never disagree: for every protected resource, every role in every kind of
agency the rules name, every action and every record in a world generated from the products of
its states (sealed, entitled, break-glass open or expired, on a meeting attended or cancelled,
merged, named in a SIRM proposal, an action owned by an agency or a named user ...), checking
the one record in Python (``authorize``) gives the same answer as filtering the list in the
database (``visible``)."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from casebridge.access import registry
from casebridge.access.models import BreakGlass, Entitlement, PermissionRule
from casebridge.access.policy import allows, allows_in_memory, visible
from casebridge.administration.models import AccessReview
from casebridge.agencies.models import Agency, Role
from casebridge.audit.services import audit_record
from casebridge.imports.models import ImportBatch
from casebridge.incidents.models import Incident
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.models import AgendaItem, Meeting, MeetingAttendee
from casebridge.pathways.models import CasePerson, Pathway
from casebridge.people.models import Person, PersonName
from casebridge.plans.models import ActionPlan, Commitment
from casebridge.refuges.models import Refuge, Stay
from casebridge.training.models import Course, GPSurgery, TrainingSession
from casebridge.violence.models import SirmProposal
from tests.factories import AddressFactory, CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every kind of agency a rule is limited to, and one no rule names.
KINDS = ("police", "charity", "housing", "probation", "council")
# Roles held together: a coordinator of MARAC and the SIRM, a practitioner who leads their
# agency, a practitioner who is also the Victim Coordinator.
TWO_ROLES = (
    ("panel_coordinator", "vve_coordinator"),
    ("practitioner", "agency_lead"),
    ("practitioner", "victim_coordinator"),
)
PROTECTED = sorted(registry._protected, key=lambda key: (key[0].__name__, key[1]))


@pytest.fixture(scope="module")
def parity_world(django_db_setup, django_db_blocker):
    """Built once for the module, undone at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


def _world() -> dict:
    agencies = [
        Agency.objects.create(code=f"parity-{kind}", name=kind.title(), kind=kind) for kind in KINDS
    ]
    users = [
        UserFactory(agency=agency, role=role)
        for agency, role in itertools.product(agencies, Role.objects.order_by("code"))
    ]
    # Users holding two roles, granted what either grants.
    users += [
        UserFactory(agency=agency, roles=list(Role.objects.filter(code__in=pair)))
        for agency, pair in itertools.product(agencies, TWO_ROLES)
    ]
    principal = {agency: next(u for u in users if u.agency == agency) for agency in agencies}
    pathways = [Pathway.objects.get(code="da-marac"), Pathway.objects.get(code="exploitation")]

    cases = []
    for owner, referred_elsewhere, by_team, by_user, sealed, pathway in itertools.product(
        agencies, (False, True), (False, True), (False, True), (False, True), pathways
    ):
        holder = principal[owner]
        referrer = agencies[(agencies.index(owner) + 1) % len(agencies)]
        cases.append(
            CaseFactory(
                owner_agency=owner,
                referring_agency=referrer if referred_elsewhere else owner,
                owner_team=holder.team if by_team else None,
                owner_user=holder if by_user else None,
                referred_by=holder if by_user and not referred_elsewhere else None,
                is_restricted=sealed,
                pathway=pathway,
                subject=PersonFactory(recorded_by_agency=agencies[len(cases) % len(agencies)]),
            )
        )

    # Each user is entitled to one sealed case and has broken the glass for the subjects of two
    # others, once still open and once expired.
    sealed = [case for case in cases if case.is_restricted]
    now = timezone.now()
    for n, user in enumerate(users):
        granter = users[0]
        Entitlement.objects.create(
            user=user, case=sealed[n % len(sealed)], granted_by=granter, reason="r"
        )
        for offset, expires in ((1, now + timedelta(hours=1)), (2, now - timedelta(minutes=1))):
            BreakGlass.objects.create(
                user=user,
                person=sealed[(n + offset) % len(sealed)].subject,
                reason="r",
                opened_at=now - timedelta(hours=2),
                expires_at=expires,
            )

    # Meetings: chaired from each agency, planned or cancelled, attended by one agency or two.
    for n, (chair_agency, status, pathway, attendees) in enumerate(
        itertools.product(
            agencies[:3], (Meeting.Status.PLANNED, Meeting.Status.CANCELLED), pathways, (1, 2)
        )
    ):
        meeting = Meeting.objects.create(
            pathway=pathway,
            title=f"Meeting {n}",
            scheduled_for=now,
            chair=principal[chair_agency],
            status=status,
        )
        for attendee in agencies[n % len(agencies) : n % len(agencies) + attendees]:
            MeetingAttendee.objects.create(meeting=meeting, agency=attendee)
        for position, case in enumerate(cases[n::11], start=1):
            item = AgendaItem.objects.create(meeting=meeting, case=case, position=position)
            # Actions owned by an agency alone, with a named owner in it, or with a named owner
            # who has since moved to another agency.
            if position <= 3:
                owner = agencies[(n + position) % len(agencies)]
                named = {1: None, 2: owner, 3: agencies[(n + position + 1) % len(agencies)]}
                PanelAction.objects.create(
                    agenda_item=item,
                    case=case,
                    description="a",
                    owner_agency=owner,
                    owner_user=principal[named[position]] if named[position] else None,
                    due_date=date(2023, 1, 1),
                    agreed_at=now,
                    agreed_by=principal[chair_agency],
                )

    # People outside cases: recorded by each agency, merged or not, named in a case or a SIRM
    # proposal or neither; their addresses confidential or not.
    people = []
    for recorder, merged, named in itertools.product(agencies, (False, True), ("", "case", "sirm")):
        person = PersonFactory(
            recorded_by_agency=recorder,
            merged_into=people[-1] if merged and people else None,
        )
        if named == "case":
            CasePerson.objects.create(case=cases[len(people) % len(cases)], person=person)
        elif named == "sirm":
            incident = Incident.objects.create(
                reporting_agency=recorder,
                reference=f"CR-{len(people)}",
                category=Incident.Category.VIOLENCE_WITH_INJURY,
                occurred_at=datetime(2022, 8, 3, 22, tzinfo=UTC),
                victim=person,
                weapon=Incident.Weapon.KNIFE,
            )
            SirmProposal.objects.create(
                incident=incident, proposed_at=incident.occurred_at, rule_version=1, criteria={}
            )
        for confidential in (False, True):
            AddressFactory(person=person, is_confidential=confidential)
        people.append(person)
    for n, user in enumerate(users):
        Entitlement.objects.create(
            user=user, person=people[n % len(people)], granted_by=users[0], reason="r"
        )

    for n, provider in enumerate(agencies):
        refuge = Refuge.objects.create(
            name=f"Refuge {n}",
            provider=provider,
            bed_spaces=4,
            line_1="1 Road",
            town="T",
            postcode="NB1 1AA",
            created_by=principal[provider],
        )
        Stay.objects.create(
            refuge=refuge,
            person=people[n],
            arrived_on=date(2022, 1, 1),
            recorded_by=principal[provider],
        )
        Entitlement.objects.create(
            user=users[n * 7], refuge=refuge, granted_by=users[0], reason="r"
        )
    for user in users[::5]:
        ImportBatch.objects.create(
            kind="police_offences",
            supplied_by=user.agency,
            imported_by=user,
            imported_by_agency=user.agency,
            file_name="f.csv",
            file_sha256=f"{user.pk:064d}",
            file_size=1,
        )
        audit_record(
            actor=user, action="create", object_type="parity", object_id=user.pk, summary=""
        )
    surgery_agency = agencies[0]
    course = Course.objects.create(
        title="Course", level=Course.Level.choices[0][0], created_by=users[0]
    )
    GPSurgery.objects.create(
        name="Surgery", practice_code="P1", agency=surgery_agency, created_by=users[0]
    )
    TrainingSession.objects.create(
        course=course, delivered_on=date(2022, 1, 1), trainer="T", recorded_by=users[0]
    )
    plan = ActionPlan.objects.create(code="plan", title="Plan")
    Commitment.objects.create(
        plan=plan,
        reference="1.1",
        commitment="c",
        owner_agency=agencies[0],
        owner="o",
        due_on=date(2023, 1, 1),
    )
    for agency in agencies:
        AccessReview.objects.create(
            agency=agency,
            quarter_start=date(2022, 1, 1),
            confirmed_by=principal[agency],
            confirmed_at=now,
        )
    return {"users": users}


@pytest.mark.parametrize(
    ("model", "resource"), PROTECTED, ids=[f"{m.__name__}-{r}" for m, r in PROTECTED]
)
def test_the_object_check_agrees_with_the_list_filter(parity_world, model, resource):
    records = list(model._default_manager.all())
    assert records, f"the world has no {model.__name__} to check"
    users = parity_world["users"]
    in_database = registry.stored_state(records[0]) is None
    if in_database:
        # Checked in the database with the list's own condition (a field of another record):
        # one user of each role is enough to prove the two agree.
        users = users[:: len(KINDS)]
    allowed = denied = 0
    for user, action in itertools.product(users, PermissionRule.Action.values):
        listed, listed_one_by_one = (
            set(
                visible(
                    user=user,
                    action=action,
                    queryset=model._default_manager.all(),
                    resource=resource,
                    one_by_one=one_by_one,
                ).values_list("pk", flat=True)
            )
            for one_by_one in (False, True)
        )
        # A filter judging rows one at a time (a search's) probes linked records another way.
        assert listed_one_by_one == listed, (
            f"{sorted(user.role_codes)} at a {user.agency.kind}, {action}"
        )
        for record in records:
            check = allows if in_database else allows_in_memory
            checked = check(user=user, action=action, obj=record, resource=resource)
            assert checked == (record.pk in listed), (
                f"{sorted(user.role_codes)} at a {user.agency.kind} agency, {action} {resource} "
                f"{record.pk}: the object check says {checked}, the list {record.pk in listed}"
            )
            allowed += checked
            denied += not checked
    assert allowed and denied, f"{resource}: {allowed} allowed, {denied} refused"


def test_a_persons_names_judged_from_their_copies_agree_with_the_person(parity_world):
    """The search judges names by the fields they copy from their person (``copied_from``),
    with the records linked to each probed one by one (``one_by_one``): the same people for
    every user and action as judging the people themselves."""
    shown = 0
    for user, action in itertools.product(parity_world["users"], PermissionRule.Action.values):
        people = visible(user=user, action=action, queryset=Person.objects.all())
        for one_by_one in (False, True):
            names = visible(
                user=user,
                action=action,
                queryset=PersonName.objects.all(),
                copied_from="person",
                one_by_one=one_by_one,
            )
            assert set(names.values_list("person_id", flat=True)) == set(
                people.values_list("pk", flat=True)
            ), (
                f"{sorted(user.role_codes)} at a {user.agency.kind} agency, {action}, "
                f"one_by_one={one_by_one}"
            )
        shown += people.count()
    assert shown
