"""Permission filters are built once and kept for the process (``policy._filter``): a kept
filter must still judge each request as it is, when time has passed, when the user has moved
agency, and for another user of the same role."""

from datetime import timedelta

import pytest
import time_machine

from casebridge.access.policy import Action, visible
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case
from casebridge.people.models import Person
from tests.factories import (
    AgencyFactory,
    BreakGlassFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
    role,
)
from tests.panels.factories import AgendaItemFactory, MeetingAttendeeFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _request_user(user: User) -> User:
    """The user as a new request loads them: a fresh object, nothing kept on it."""
    return User.objects.select_related("agency", "team").get(pk=user.pk)


def _visible_cases(user: User) -> set:
    return set(
        visible(user=user, action=Action.VIEW, queryset=Case.objects.all()).values_list(
            "pk", flat=True
        )
    )


def test_a_kept_filter_closes_break_glass_when_it_expires():
    sealed = CaseFactory(is_restricted=True)
    user = UserFactory(agency=sealed.owner_agency)
    glass = BreakGlassFactory(user=user, person=sealed.subject)
    assert sealed.pk in _visible_cases(_request_user(user))
    with time_machine.travel(glass.expires_at + timedelta(seconds=1)):
        assert sealed.pk not in _visible_cases(_request_user(user))


def test_a_kept_filter_follows_the_user_to_another_agency():
    first, second = CaseFactory(), CaseFactory()
    user = UserFactory(agency=first.owner_agency)
    assert _visible_cases(_request_user(user)) == {first.pk}
    user.agency = second.owner_agency
    user.save(update_fields=["agency"])
    assert _visible_cases(_request_user(user)) == {second.pk}


def test_a_kept_filter_is_never_another_users():
    mine, theirs = CaseFactory(), CaseFactory()
    me = UserFactory(agency=mine.owner_agency)
    them = UserFactory(agency=theirs.owner_agency)
    assert _visible_cases(_request_user(me)) == {mine.pk}
    assert _visible_cases(_request_user(them)) == {theirs.pk}
    assert _visible_cases(_request_user(me)) == {mine.pk}


def test_the_agendas_a_practitioner_attends_are_read_once_a_path_not_once_a_pathway():
    """Rules grant a practitioner the cases on the agendas their agency attends in each panel's
    pathway; the filter holds that subquery once for each way a person is in a case (subject,
    named), whatever the number of pathways."""
    agency = AgencyFactory(kind=Agency.Kind.POLICE)
    user = _request_user(UserFactory(agency=agency, role=role("practitioner")))
    sql = str(visible(user=user, action=Action.VIEW, queryset=Person.objects.all()).query)
    assert sql.count('"panels_meetingattendee"') == 2


def test_a_case_on_an_attended_agenda_is_visible_and_a_stranger_is_not():
    attending = AgencyFactory(kind=Agency.Kind.POLICE)
    user = _request_user(UserFactory(agency=attending, role=role("practitioner")))
    meeting = MeetingFactory()
    MeetingAttendeeFactory(meeting=meeting, agency=attending)
    case = CaseFactory(pathway=meeting.pathway, state="accepted")
    AgendaItemFactory(meeting=meeting, case=case)
    assert case.pk in _visible_cases(user)
    assert PersonFactory().pk not in set(
        visible(user=user, action=Action.VIEW, queryset=Person.objects.all()).values_list(
            "pk", flat=True
        )
    )
