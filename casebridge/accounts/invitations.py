"""Invitations: a one-time link with which a new user sets their password.

The link's token is shown once, to whoever invited them; only its SHA-256 is kept. A link works
until it expires (``CASEBRIDGE_INVITATION_DAYS``) or is used, whichever is first, and issuing
another withdraws the earlier ones. The invitee's second factor is theirs to enrol, at their
first sign-in (``accounts.views.two_factor``): nobody else ever sees its key.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from casebridge.accounts.models import Invitation, User, new_token, token_digest
from casebridge.audit.services import UNRECORDED, audit_record
from casebridge.core.errors import ApplicationError

INVALID_LINK = (
    "This invitation link does not work: it has expired, has been used, or was replaced by a "
    "newer one. Ask whoever invited you for a new link."
)


@transaction.atomic
def invitation_issue(*, actor: User, user: User) -> str:
    """A new one-time link's token for ``user``, whose earlier open links stop working.

    Raises:
        ApplicationError: for an account that may not sign in, or that already has a password.
    """
    if not user.is_active:
        raise ApplicationError(f"{user.username}'s access has ended: nobody is invited to it.")
    if user.has_usable_password():
        raise ApplicationError(f"{user.username} has set a password already.")
    now = timezone.now()
    withdrawn = _open(Invitation.objects.filter(user=user), now).update(expires_at=now)
    token = new_token()
    invitation = Invitation.objects.create(
        user=user,
        token_digest=token_digest(token),
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.CASEBRIDGE_INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="invitation",
        object_id=invitation.pk,
        summary=f"Invited {user.username} to set a password",
        changes={
            "user": user.username,
            "expires_at": invitation.expires_at,
            "withdrawn": withdrawn,
        },
    )
    return token


def invitation_open(*, token: str = "", invitation_id: int | None = None) -> Invitation | None:
    """The invitation this token (or, once the link was followed, this id) opens, if it still
    may be used."""
    if token:
        found = Invitation.objects.filter(token_digest=token_digest(token))
    elif invitation_id is not None:
        found = Invitation.objects.filter(pk=invitation_id)
    else:
        return None
    found = found.filter(user__is_active=True)
    return _open(found, timezone.now()).select_related("user").first()


@transaction.atomic
def invitation_accept(*, invitation_id: int, password: str) -> User:
    """Set the invitee's password and use the invitation up; once only.

    Raises:
        ApplicationError: when the invitation may no longer be used, or the password is weak
            (the field ``password``).
    """
    invitation = (
        _open(Invitation.objects.filter(pk=invitation_id, user__is_active=True), timezone.now())
        .select_for_update()
        .first()
    )
    if invitation is None:
        raise ApplicationError(INVALID_LINK)
    user = User.objects.select_for_update().get(pk=invitation.user_id)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password") from error
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit_record(
        actor=user,
        action="change",
        object_type="user",
        object_id=user.pk,
        summary=f"{user.username} accepted their invitation and set a password",
        changes={"password": UNRECORDED, "invitation": invitation.pk},
    )
    return user


def _open(invitations: QuerySet[Invitation], now: datetime) -> QuerySet[Invitation]:
    return invitations.filter(used_at__isnull=True, expires_at__gt=now)
