"""Telling a user something: a notification in Casebridge, and an e-mail that only says there
is one (an e-mail leaves the system: it names no person, case or action, only the page)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.notifications.models import Notification

SUBJECT = "You have a new notification in Casebridge"


def notify(*, user: User, text: str, link: str = "", email: bool = True) -> Notification:
    """Record ``text`` for ``user`` and, once the caller's transaction commits, e-mail them a
    link to their notifications (if they have an address)."""
    notification = Notification.objects.create(user=user, text=text, link=link)
    if email and user.email:
        address = user.email
        # Robust: a mail server that is down is logged, and the notification stands.
        transaction.on_commit(lambda: _email(address), robust=True)
    return notification


def system_notify(
    *, user: User, text: str, link: str, summary: str, changes: dict[str, object]
) -> Notification:
    """A reminder the system sends by itself (a schedule's): the notification and its audit
    entry, by "system", written together or not at all."""
    with transaction.atomic():
        notification = notify(user=user, text=text, link=link)
        audit_record(
            actor=None,
            actor_username="system",
            action="create",
            object_type="notification",
            object_id=user.pk,
            summary=summary,
            changes=changes,
        )
    return notification


def _email(address: str) -> None:
    page = f"{settings.CASEBRIDGE_SITE_URL.rstrip('/')}{reverse('notifications:list')}"
    send_mail(
        SUBJECT,
        f"There is something new for you in Casebridge. Sign in to read it:\n\n{page}\n",
        None,
        [address],
    )


def notifications_read(*, user: User) -> int:
    """Mark all the user's notifications read (they have seen the page)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
