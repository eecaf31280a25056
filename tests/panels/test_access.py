"""Need to know: an agency sees a meeting, and the cases on its agenda, only if it attends."""

import pytest

from casebridge.access.models import Entitlement
from casebridge.access.policy import AccessDenied, authorize, visible
from casebridge.panels.models import Meeting
from casebridge.panels.selectors import (
    agenda_items,
    meeting_get,
    meeting_list,
    my_actions,
    pending_agenda_items,
)
from casebridge.panels.services import action_agree, agenda_add, meeting_cancel
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.people.models import Person
from tests.factories import CaseFactory, PersonFactory, UserFactory, marac, role
from tests.panels.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _cases(user) -> set[Case]:
    return set(visible(user=user, action="view", queryset=Case.objects.all()))


def _on_agenda(panel, **kwargs) -> Case:
    case = CaseFactory(state="accepted", **kwargs)
    agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=case)
    return case


def test_attending_agency_sees_the_meeting_and_others_do_not(panel):
    assert list(meeting_list(user=panel.officer)) == [panel.meeting]
    assert list(meeting_list(user=panel.outsider)) == []
    with pytest.raises(AccessDenied):
        meeting_get(user=panel.outsider, meeting_id=panel.meeting.pk)
    with pytest.raises(AccessDenied):
        authorize(user=panel.outsider, action="view", obj=panel.meeting)


def test_roles_without_meeting_rules_see_none(panel):
    for code in ("manager", "auditor", "analyst", "sysadmin"):
        assert list(meeting_list(user=UserFactory(agency=panel.police, role=role(code)))) == []


def test_attending_agency_sees_agenda_cases_but_not_other_marac_cases(panel):
    on_agenda = _on_agenda(panel)
    elsewhere = CaseFactory(state="accepted")
    assert on_agenda in _cases(panel.officer)
    assert elsewhere not in _cases(panel.officer)
    assert [item.case for item in agenda_items(user=panel.officer, meeting=panel.meeting)] == [
        on_agenda
    ]


def test_no_case_of_the_meeting_is_visible_to_an_agency_not_attending(panel):
    on_agenda = _on_agenda(panel)
    assert on_agenda not in _cases(panel.outsider)
    assert _cases(panel.outsider) == set()


def test_a_cancelled_meeting_no_longer_shares_the_cases_on_its_agenda(panel):
    case = _on_agenda(panel)
    meeting_cancel(actor=panel.coordinator, meeting=panel.meeting, reason="Chair unavailable")
    assert case not in _cases(panel.officer)
    assert case in _cases(panel.coordinator)


def test_people_in_agenda_cases_are_visible_to_attendees_only(panel):
    case = _on_agenda(panel)
    seen = set(visible(user=panel.officer, action="view", queryset=Person.objects.all()))
    assert case.subject in seen
    unseen = set(visible(user=panel.outsider, action="view", queryset=Person.objects.all()))
    assert case.subject not in unseen


def test_a_sealed_case_stays_hidden_on_the_agenda_without_an_entitlement(panel):
    sealed = CaseFactory(state="accepted", is_restricted=True)
    Entitlement.objects.create(
        user=panel.coordinator, case=sealed, reason="Coordinator", granted_by=panel.coordinator
    )
    agenda_add(actor=panel.coordinator, meeting=panel.meeting, case=sealed)
    assert agenda_items(user=panel.officer, meeting=panel.meeting) == []
    assert [i.case for i in agenda_items(user=panel.coordinator, meeting=panel.meeting)] == [sealed]


def test_rules_carry_the_pathway_so_other_panels_meetings_stay_hidden(panel):
    sirm = Pathway.objects.create(
        code="sirm-test", name="SIRM", reference_prefix="SIRM", definition=marac().definition
    )
    other = MeetingFactory(pathway=sirm, chair=panel.coordinator)
    other.attendees.create(agency=panel.police)
    assert other not in meeting_list(user=panel.coordinator)
    assert other not in meeting_list(user=panel.officer)


def test_my_actions_are_the_users_and_their_agencys(panel):
    case = _on_agenda(panel)
    item = case.agenda_items.get()
    mine = action_agree(
        actor=panel.coordinator,
        agenda_item=item,
        description="Police marker",
        owner_agency=panel.police,
        due_date=panel.meeting.scheduled_for.date(),
    )
    theirs = action_agree(
        actor=panel.coordinator,
        agenda_item=item,
        description="Housing review",
        owner_agency=panel.council,
        due_date=panel.meeting.scheduled_for.date(),
    )
    assert list(my_actions(user=panel.officer)) == [mine]
    assert list(my_actions(user=panel.social_worker)) == [theirs]
    assert list(my_actions(user=panel.outsider)) == []


def test_pending_agenda_items_finds_subject_or_linked_person_on_planned_meetings(panel):
    case = _on_agenda(panel)
    perpetrator = PersonFactory()
    CasePerson.objects.create(case=case, person=perpetrator, role=CasePerson.Role.PERPETRATOR)
    held = MeetingFactory(chair=panel.coordinator, status=Meeting.Status.HELD)
    held_case = CaseFactory(state="open")
    held.agenda.create(case=held_case, position=1)

    assert [
        i.case for i in pending_agenda_items(person_ids=[case.subject_id], pathway=marac())
    ] == [case]
    assert [i.case for i in pending_agenda_items(person_ids={perpetrator.pk}, pathway=marac())] == [
        case
    ]
    assert not pending_agenda_items(person_ids=[held_case.subject_id], pathway=marac()).exists()
    assert not pending_agenda_items(person_ids=[PersonFactory().pk], pathway=marac()).exists()
