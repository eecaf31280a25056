"""Writing to the audit trail. Call inside the transaction of the change being recorded."""

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from casebridge.audit.chain import entry_hash
from casebridge.audit.context import client_ip
from casebridge.audit.models import AuditEvent, ChainHead

if TYPE_CHECKING:
    # Only named: the actor is settings.AUTH_USER_MODEL, so the log knows no app above it.
    from casebridge.accounts.models import User

# In ``changes``, for a value that changed and is never written down (a password, its hash).
UNRECORDED = "(changed; not recorded)"


@transaction.atomic
def audit_record(
    *,
    actor: "User | None",
    action: str,
    object_type: str = "",
    object_id: object = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    flagged: bool = False,
    actor_username: str = "",
) -> AuditEvent:
    """Append one entry to the chain.

    Runs inside the caller's transaction, so if the business change rolls back, so does its
    audit entry, and if the audit entry cannot be written, the change rolls back with it.
    """
    # Locking the head serialises appenders: each one sees the hash the previous one wrote.
    head = ChainHead.objects.select_for_update().get(pk=1)
    fields: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_username": actor.username if actor else actor_username,
        "actor_agency": actor.agency.code if actor and actor.agency else "",
        "ip_address": client_ip.get(),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "summary": summary[:300],
        # Round-trip through JSON so what is hashed is exactly what the database gives back.
        "changes": json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder)),
        "reason": reason,
        "flagged": flagged,
    }
    event = AuditEvent(
        **fields,
        previous_hash=head.last_hash,
        entry_hash=entry_hash(previous_hash=head.last_hash, fields=fields),
    )
    event.save(force_insert=True)
    head.last_sequence = event.sequence
    head.last_hash = event.entry_hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value differs, as ``{field: [before, after]}``."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
