"""The search's statement is compiled once per permission filter and kept for the process
(``people.selectors._search_statement``): each search must still be judged as it is, when time
has passed, for another user of the same role, and after the user moved agency."""

from datetime import timedelta

import pytest
import time_machine

from casebridge.accounts.models import User
from casebridge.people.selectors import person_search
from tests.factories import BreakGlassFactory, CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _found(user: User, family_name: str) -> set:
    """The people a new request's user finds: a fresh user object, nothing kept on it."""
    fresh = User.objects.select_related("agency", "team").get(pk=user.pk)
    return {match.id for match in person_search(user=fresh, family_name=family_name)}


def test_a_kept_search_closes_break_glass_when_it_expires():
    sealed = CaseFactory(is_restricted=True, subject=PersonFactory(name=("Jo", "Sealed")))
    user = UserFactory(agency=sealed.owner_agency)
    assert _found(user, "sealed") == set()
    glass = BreakGlassFactory(user=user, person=sealed.subject)
    assert _found(user, "sealed") == {sealed.subject_id}
    with time_machine.travel(glass.expires_at + timedelta(seconds=1)):
        assert _found(user, "sealed") == set()


def test_a_kept_search_is_never_another_users_and_follows_a_move_of_agency():
    mine, theirs = PersonFactory(name=("Jo", "Shared")), PersonFactory(name=("Al", "Shared"))
    me = UserFactory(agency=mine.recorded_by_agency)
    them = UserFactory(agency=theirs.recorded_by_agency, roles=list(me.roles.all()))
    assert _found(me, "shared") == {mine.pk}
    assert _found(them, "shared") == {theirs.pk}
    assert _found(me, "shared") == {mine.pk}
    me.agency = theirs.recorded_by_agency
    me.save(update_fields=["agency"])
    assert _found(me, "shared") == {theirs.pk}
