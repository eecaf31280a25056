"""Break-glass and explicit entitlements: the audited ways into restricted records."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from casebridge.access.models import BreakGlass, Entitlement
from casebridge.access.policy import (
    Action,
    Resource,
    authorize,
    require_permission,
)
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError

MINIMUM_REASON_LENGTH = 20


@transaction.atomic
def break_glass_open(*, actor: User, person: Model, reason: str) -> BreakGlass:
    """Open the person's restricted records to ``actor`` for a while, flagged for review."""
    require_permission(user=actor, action=Action.USE, resource=Resource.BREAK_GLASS)
    authorize(user=actor, action=Action.VIEW, obj=person)
    reason = reason.strip()
    if len(reason) < MINIMUM_REASON_LENGTH:
        raise ApplicationError(
            f"Explain why you need access, in at least {MINIMUM_REASON_LENGTH} characters.",
            field="reason",
        )
    now = timezone.now()
    access = BreakGlass.objects.create(
        user=actor,
        person_id=person.pk,
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    audit_record(
        actor=actor,
        action="break_glass",
        object_type="person",
        object_id=person.pk,
        summary="Break-glass access to restricted records",
        reason=reason,
        flagged=True,
    )
    return access


@transaction.atomic
def break_glass_review(*, actor: User, access: BreakGlass, note: str) -> BreakGlass:
    """Information governance records that a break-glass use was reviewed."""
    require_permission(user=actor, action=Action.VIEW, resource=Resource.AUDIT)
    if access.user_id == actor.pk:
        raise ApplicationError("You cannot review your own break-glass access.")
    if not note.strip():
        raise ApplicationError("Record what the review found.", field="note")
    access.reviewed_by = actor
    access.reviewed_at = timezone.now()
    access.review_note = note.strip()
    access.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action="change",
        object_type="break_glass",
        object_id=access.pk,
        summary="Reviewed break-glass access",
        reason=note.strip(),
    )
    return access


@transaction.atomic
def entitlement_grant(
    *,
    actor: User,
    user: User,
    reason: str,
    case: Model | None = None,
    person: Model | None = None,
    refuge: Model | None = None,
) -> Entitlement:
    """Entitle ``user`` to a sealed case, a person's confidential addresses or a refuge's
    address.

    Only someone who can already see the restricted thing may pass it on.
    """
    if [case, person, refuge].count(None) != 2:
        raise ApplicationError("Entitle a user to one case, one person or one refuge.")
    if case is not None:
        authorize(user=actor, action=Action.CHANGE, obj=case)
    elif person is not None:
        authorize(user=actor, action=Action.CHANGE, obj=person)
    else:
        assert refuge is not None
        authorize(user=actor, action=Action.VIEW, obj=refuge, resource=Resource.REFUGE_ADDRESS)
    if not reason.strip():
        raise ApplicationError("Give a reason.", field="reason")
    entitlement = Entitlement.objects.create(
        user=user,
        case_id=case.pk if case else None,
        person_id=person.pk if person else None,
        refuge_id=refuge.pk if refuge else None,
        reason=reason.strip(),
        granted_by=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="entitlement",
        object_id=entitlement.pk,
        summary=f"Entitled {user.username} to restricted records",
        changes={
            "user": user.username,
            "case": str(case.pk) if case else None,
            "person": str(person.pk) if person else None,
            "refuge": str(refuge.pk) if refuge else None,
        },
        reason=reason.strip(),
    )
    return entitlement
