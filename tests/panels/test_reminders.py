"""Overdue actions: each day their owner is reminded, and no one else; the e-mail names nothing
but the page to sign in to."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.notifications.models import Notification
from casebridge.panels.models import Action
from casebridge.panels.services.reminders import overdue_actions_remind
from tests.factories import UserFactory, role
from tests.panels.factories import panel_world
from tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    action = Action.objects.get(pk=panel_world(world)["action_id"])
    world.practitioner_a.email = "owner@council.example"
    world.practitioner_a.save(update_fields=["email"])
    action.owner_user = world.practitioner_a
    action.due_date = timezone.localdate() - timedelta(days=3)
    action.save(update_fields=["owner_user", "due_date"])
    world.action = action
    return world


def test_an_overdue_action_reminds_its_owner_and_no_one_else(
    world, django_capture_on_commit_callbacks
):
    colleague = UserFactory(agency=world.agency_a, role=role("practitioner"), email="c@x.example")

    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_actions_remind() == 1

    (reminder,) = Notification.objects.all()
    assert (reminder.user, reminder.text, reminder.link) == (
        world.practitioner_a,
        "You have 1 overdue action.",
        "/actions/",
    )
    assert not Notification.objects.filter(user=colleague).exists()
    (email,) = mail.outbox
    assert email.to == ["owner@council.example"]
    # Nothing of the action, its case or its person leaves in the e-mail.
    for private in (world.action.description, world.case.reference, "Canarysdottir"):
        assert private not in email.body and private not in email.subject
    entry = AuditEvent.objects.get(object_type="notification")
    assert entry.actor_username == "system" and entry.changes["overdue"] == 1


def test_an_action_not_yet_due_or_completed_reminds_nobody(world):
    Action.objects.filter(pk=world.action.pk).update(due_date=timezone.localdate())
    assert overdue_actions_remind() == 0
    Action.objects.filter(pk=world.action.pk).update(
        due_date=timezone.localdate() - timedelta(days=1), status=Action.Status.COMPLETED
    )
    assert overdue_actions_remind() == 0
    assert not Notification.objects.exists()


def test_an_owner_who_may_no_longer_see_the_action_is_not_told_of_it(world):
    world.practitioner_a.is_active = False
    world.practitioner_a.save(update_fields=["is_active"])
    assert overdue_actions_remind() == 0
