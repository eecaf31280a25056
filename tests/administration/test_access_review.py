"""The quarterly access review: who in an agency can see what, confirmed by its lead, each user
kept or flagged for removal; and which agencies' reviews are due."""

from datetime import date

import pytest
import time_machine

from casebridge.access.policy import AccessDenied
from casebridge.administration.models import AccessReview
from casebridge.administration.selectors import (
    access_review_rows,
    access_reviews_due,
    describe_grants,
    flagged_for_removal,
)
from casebridge.administration.services import access_review_confirm
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from tests.factories import AgencyFactory, UserFactory, role

pytestmark = pytest.mark.django_db

IN_Q3 = date(2026, 11, 16)


def _everyone(office, agency, keep=True):
    return {row.user.pk: keep for row in access_review_rows(user=office.sysadmin, agency=agency)}


def test_the_review_lists_each_active_user_with_what_their_roles_grant(office):
    UserFactory(agency=office.agency_a, is_active=False)

    rows = {row.user: row for row in access_review_rows(user=office.lead_a, agency=office.agency_a)}

    assert set(rows) == {office.sysadmin, office.lead_a, office.staff_a}
    lead = rows[office.lead_a]
    assert [r.code for r in lead.roles] == ["agency_lead", "practitioner"]
    assert "View person record: their agency's records (owned or referred)" in lead.grants
    assert any(grant.startswith("Change users' accounts") for grant in lead.grants)
    assert not any("account" in grant for grant in rows[office.staff_a].grants)


def test_grants_are_described_from_the_rules_for_the_kind_of_agency():
    police = describe_grants(roles=[role("practitioner")], agency_kind="police")
    council = describe_grants(roles=[role("practitioner")], agency_kind="council")
    assert any("break-glass" in grant for grant in police)
    assert not any("break-glass" in grant for grant in council)


def test_the_lead_confirms_keeping_some_and_flagging_others(office):
    keep = _everyone(office, office.agency_a) | {office.staff_a.pk: False}

    with time_machine.travel(IN_Q3):
        review = access_review_confirm(
            actor=office.lead_a, agency=office.agency_a, keep=keep, note="Staff A left in May"
        )

    assert (review.quarter_start, review.confirmed_by) == (date(2026, 10, 1), office.lead_a)
    assert {(e.user, e.keep) for e in review.entries.all()} == {
        (office.sysadmin, True),
        (office.lead_a, True),
        (office.staff_a, False),
    }
    assert flagged_for_removal(agency=office.agency_a) == {office.staff_a.pk}
    entry = AuditEvent.objects.get(object_type="access_review", action="change")
    assert entry.flagged and entry.changes["flagged_for_removal"] == [office.staff_a.username]
    assert "Q3 26/27" in entry.summary


def test_everyone_must_be_decided(office):
    keep = _everyone(office, office.agency_a)
    del keep[office.staff_a.pk]
    with pytest.raises(ApplicationError, match=office.staff_a.username):
        access_review_confirm(actor=office.lead_a, agency=office.agency_a, keep=keep, note="")
    assert not AccessReview.objects.exists()


def test_a_quarter_is_confirmed_once(office):
    keep = _everyone(office, office.agency_a)
    access_review_confirm(actor=office.lead_a, agency=office.agency_a, keep=keep, note="")
    with pytest.raises(ApplicationError, match="confirmed already"):
        access_review_confirm(actor=office.lead_a, agency=office.agency_a, keep=keep, note="")


@pytest.mark.parametrize("who", ["lead_b", "sysadmin", "staff_a"])
def test_only_the_agencys_own_lead_confirms(office, who):
    with pytest.raises(AccessDenied):
        access_review_confirm(
            actor=getattr(office, who),
            agency=office.agency_a,
            keep=_everyone(office, office.agency_a),
            note="",
        )


def test_reviews_are_due_for_agencies_with_users_not_yet_confirmed_this_quarter(office):
    AgencyFactory(name="Nobody works here")
    with time_machine.travel(IN_Q3):
        assert access_reviews_due(on=IN_Q3) == [office.agency_a, office.agency_b]
        access_review_confirm(
            actor=office.lead_a,
            agency=office.agency_a,
            keep=_everyone(office, office.agency_a),
            note="",
        )
        assert access_reviews_due(on=IN_Q3) == [office.agency_b]
    # A new quarter, a new review.
    assert access_reviews_due(on=date(2027, 1, 4)) == [office.agency_a, office.agency_b]
