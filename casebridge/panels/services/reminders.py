"""Reminding owners of their overdue actions (daily, by a schedule: jobs/definitions)."""

from datetime import date

from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.notifications.services import system_notify
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.selectors import overdue_actions


def overdue_actions_remind(*, today: date | None = None) -> int:
    """Tell each user who owns an open action past its due date how many they have, with a
    link to their actions (the e-mail names no action, case or person). Only their own
    actions they may still see are counted; an action owned by an agency alone reminds nobody
    (its agency's staff see it on their home page). Returns how many users were told."""
    today = today or timezone.localdate()
    owners = User.objects.filter(
        is_active=True,
        pk__in=PanelAction.objects.filter(
            status=PanelAction.Status.OPEN, due_date__lt=today, owner_user__isnull=False
        ).values("owner_user"),
    )
    told = 0
    for owner in owners:
        count = overdue_actions(user=owner, today=today).filter(owner_user=owner).count()
        if not count:
            continue  # none they may still see
        system_notify(
            user=owner,
            text=f"You have {count} overdue action{pluralize(count)}.",
            link=reverse("panels:action_list"),
            summary=f"Reminded {owner.username} of {count} overdue action{pluralize(count)}",
            changes={"overdue": count, "on": today.isoformat()},
        )
        told += 1
    return told
