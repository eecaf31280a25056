"""Each main page costs a fixed number of queries, however much it shows.

The five pages are the ones a practitioner or a panel coordinator opens all day: the home page
(their open cases and overdue actions), the people search results (how every piece of work
starts), the person page and the case page (the two records they read and work), and the cases
list (where a coordinator finds a case). Each is counted in a small world, then again after more
of everything the page lists was added; the count must not move (no query per row), and must be
the number stated here, so that a new query on a page is noticed and decided on.

Counted for the roles that see these pages: the MARAC coordinator (sees every MARAC case) and a
practitioner of another council whose agency attends the meeting that discussed the case (sees
it through the panel, not as its owner).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casebridge.accounts.middleware import LAST_SEEN_KEY
from casebridge.accounts.models import User
from casebridge.pathways.models import Case, CaseEvent, CasePerson, DisclosureRequest
from casebridge.people.models import PersonName, Relationship
from tests.factories import AddressFactory, CaseFactory, PersonFactory
from tests.panels.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingAttendeeFactory,
    MeetingFactory,
)
from tests.world import World, make_world

pytestmark = pytest.mark.django_db

# Queries per request, for each role, besides its "viewed" audit entries. Every page spends 6
# of them the same way: 3 to know who is signed in (the session; the user with the second
# factor the session was verified with; the roles they hold, one statement compiled once, since
# a user may hold several), 2 to notice what other processes changed (the
# permission rules, restricted addresses, pathways, refuges: casebridge.core.fingerprints), once
# as the request starts and again as the response leaves, for the redactor, and 1 to count the
# user's unread notifications (the header's, from a partial index).
# The navigation is kept per user while those hold, and costs none. The case page reads its
# other people with their names in one statement (it was two: 12 and 13 before).
EXPECTED = {
    "home": {"panel_coordinator": 9, "practitioner_b": 9},
    # The people found with all their names, unless too many names match, in one statement
    # (one more when no one is found: whether it was too many names).
    "search": {"panel_coordinator": 7, "practitioner_b": 7},
    "person": {"panel_coordinator": 24, "practitioner_b": 25},
    "case": {"panel_coordinator": 13, "practitioner_b": 14},
    "cases": {"panel_coordinator": 9, "practitioner_b": 9},
}
AUDIT_ENTRIES = {"home": 2, "search": 1, "person": 1, "case": 1, "cases": 1}
# An audit entry: on PostgreSQL one statement locks the chain's head, inserts the entry hashed
# from it and moves the head; SQLite reads the head, inserts the entry, then moves the head.
STATEMENTS_AN_ENTRY = {"postgresql": 1, "sqlite": 3}


def _panel(world: World):
    """The coordinator chairs a MARAC meeting that agency A and agency B attend, with the
    world's case on its agenda: practitioner B sees the case, and its people, through it."""
    meeting = MeetingFactory(chair=world.coordinator)
    MeetingAttendeeFactory(meeting=meeting, agency=world.agency_a)
    MeetingAttendeeFactory(meeting=meeting, agency=world.agency_b)
    world.case.state = "accepted"
    world.case.save(update_fields=["state"])
    return meeting


def _on_agenda(meeting, case: Case, *, owner) -> None:
    """The case on the meeting's agenda with an overdue action for ``owner``'s agency."""
    item = AgendaItemFactory(meeting=meeting, case=case)
    ActionFactory(
        agenda_item=item,
        owner_agency=owner.agency,
        owner_user=owner,
        due_date=timezone.localdate() - timedelta(days=3),
    )


def _more_for_home(world: World, meeting, user: User, n: int) -> None:
    for _ in range(n):
        case = CaseFactory(
            state="accepted", owner_agency=user.agency, owner_user=user, referred_by=user
        )
        _on_agenda(meeting, case, owner=user)


def _more_people_named(world: World, meeting, user: User, n: int) -> None:
    """People the user finds by the world's family name: recorded by their agency, and named
    in a case on the agenda, with aliases."""
    for i in range(n):
        own = PersonFactory(recorded_by_agency=user.agency, name=("Jo", "Canarysdottir"))
        PersonName.objects.create(
            person=own, kind=PersonName.Kind.ALIAS, given_name=f"Alias{i}", family_name="Other"
        )
        named = PersonFactory(recorded_by_agency=world.agency_a, name=("Sam", "Canarysdottir"))
        case = CaseFactory(state="accepted", owner_agency=world.agency_a)
        CasePerson.objects.create(case=case, person=named, role=CasePerson.Role.PERPETRATOR)
        AgendaItemFactory(meeting=meeting, case=case)


def _more_about_the_person(world: World, meeting, user: User, n: int) -> None:
    person = world.person
    for i in range(n):
        PersonName.objects.create(
            person=person, kind=PersonName.Kind.ALIAS, given_name=f"Jo{i}", family_name="Other"
        )
        AddressFactory(person=person, valid_from=date(2010 + i, 1, 1))
        # Another agency's record of the same person, linked to this one by identity review.
        PersonFactory(recorded_by_agency=user.agency, merged_into=person)
        relative = PersonFactory(recorded_by_agency=world.agency_a, name=("Kid", f"Canary{i}"))
        Relationship.objects.create(
            person=person, related_person=relative, kind=Relationship.Kind.PARENT
        )
        Relationship.objects.create(
            person=relative, related_person=person, kind=Relationship.Kind.HOUSEHOLD_MEMBER
        )
        case = CaseFactory(subject=person, state="accepted", owner_agency=world.agency_a)
        CasePerson.objects.create(case=case, person=relative, role=CasePerson.Role.CHILD)
        _on_agenda(meeting, case, owner=user)


def _more_on_the_case(world: World, meeting, user: User, n: int) -> None:
    case = world.case
    for i in range(n):
        CaseEvent.objects.create(
            case=case,
            occurred_at=timezone.now(),
            kind=CaseEvent.Kind.NOTE,
            actor=world.practitioner_a,
            text=f"Note {i}",
        )
        other = PersonFactory(recorded_by_agency=world.agency_a, name=("Kid", f"Canary{i}"))
        CasePerson.objects.create(case=case, person=other, role=CasePerson.Role.CHILD)
        earlier = MeetingFactory(chair=world.coordinator)
        MeetingAttendeeFactory(meeting=earlier, agency=user.agency)
        _on_agenda(earlier, case, owner=user)
        DisclosureRequest.objects.create(
            case=case,
            route=DisclosureRequest.Route.values[0],
            requested_on=date(2024, 1, 1 + i),
            recorded_by=world.coordinator,
        )


def _more_cases(world: World, meeting, user: User, n: int) -> None:
    for _ in range(n):
        case = CaseFactory(state="accepted", owner_agency=world.agency_a)
        _on_agenda(meeting, case, owner=user)


PAGES: dict[str, tuple[Callable[[World], tuple[str, str, dict]], Callable]] = {
    "home": (lambda w: ("get", reverse("web:home"), {}), _more_for_home),
    "search": (
        lambda w: ("post", reverse("people:search"), {"family_name": "Canarysdottir"}),
        _more_people_named,
    ),
    "person": (
        lambda w: ("get", reverse("people:detail", args=[w.person.pk]), {}),
        _more_about_the_person,
    ),
    "case": (
        lambda w: ("get", reverse("pathways:case_detail", args=[w.case.pk]), {}),
        _more_on_the_case,
    ),
    "cases": (lambda w: ("get", reverse("pathways:case_list"), {}), _more_cases),
}


@dataclass(frozen=True)
class Counted:
    queries: list[str]
    page: str


def _count(client: Client, request: tuple[str, str, dict]) -> Counted:
    method, url, data = request
    # The session's "last seen" is saved at most once a minute: not during the one measured.
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time())
    session.save()
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data)
    assert response.status_code == 200
    return Counted([query["sql"] for query in queries.captured_queries], response.content.decode())


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_name", ["panel_coordinator", "practitioner_b"])
def test_a_main_page_costs_a_fixed_number_of_queries(page, role_name, signed_in_client):
    world = make_world()
    meeting = _panel(world)
    user = world.users()[role_name]
    _on_agenda(meeting, world.case, owner=user)
    request, grow = PAGES[page]
    grow(world, meeting, user, 1)  # one of everything the page lists, so every section shows
    client = signed_in_client(user)
    client.get(reverse("web:home"))  # the session's first request is not the one measured
    small = _count(client, request(world))

    grow(world, meeting, user, 3)
    large = _count(client, request(world))

    assert len(large.page) > len(small.page)  # the page shows what was added
    assert len(large.queries) == len(small.queries), "\n".join(large.queries)
    expected = EXPECTED[page][role_name]
    expected += AUDIT_ENTRIES[page] * STATEMENTS_AN_ENTRY[connection.vendor]
    assert len(small.queries) == expected, "\n".join(small.queries)
