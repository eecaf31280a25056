"""Factories for panel tests: meetings, attendees, agenda items and actions."""

from datetime import timedelta

import factory
from django.utils import timezone

from casebridge.agencies.models import Agency
from casebridge.panels.models import Action, AgendaItem, Meeting, MeetingAttendee
from tests.factories import AgencyFactory, CaseFactory, UserFactory, marac, role


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pathway = factory.LazyFunction(marac)
    title = factory.Sequence(lambda n: f"MARAC {n}")
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    location = "Civic Centre, Room 3"
    chair = factory.LazyFunction(
        lambda: UserFactory(
            agency=AgencyFactory(kind=Agency.Kind.CHARITY), role=role("panel_coordinator")
        )
    )


class MeetingAttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendee

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.SubFactory(AgencyFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory, state="accepted")
    position = factory.Sequence(lambda n: n + 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    agenda_item = factory.SubFactory(AgendaItemFactory)
    case = factory.SelfAttribute("agenda_item.case")
    description = "Refer to the sanctuary scheme"
    owner_agency = factory.SubFactory(AgencyFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    agreed_at = factory.LazyFunction(timezone.now)
    agreed_by = factory.SelfAttribute("agenda_item.meeting.chair")


def panel_world(world) -> dict:
    """Add to ``tests.world`` a MARAC meeting the coordinator chairs and agency A attends.

    The world's case (agency A's) is on its agenda with one action owned by agency A; agency B
    does not attend. Returns the URL keyword arguments the matrix needs.
    """
    meeting = MeetingFactory(chair=world.coordinator)
    MeetingAttendeeFactory(meeting=meeting, agency=world.agency_a)
    world.case.state = "accepted"
    world.case.save(update_fields=["state"])
    item = AgendaItemFactory(meeting=meeting, case=world.case, position=1)
    action = ActionFactory(agenda_item=item, owner_agency=world.agency_a)
    return {"meeting_id": meeting.pk, "item_id": item.pk, "action_id": action.pk}
