"""The hash that links each audit entry to the one before it."""

import hashlib
import json
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_agency",
    "ip_address",
    "action",
    "object_type",
    "object_id",
    "summary",
    "changes",
    "reason",
    "flagged",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)


def hashed_text(fields: dict[str, Any]) -> str:
    """What an entry's hash covers besides the previous entry's hash (ASCII: JSON escapes the
    rest), so PostgreSQL can hash an entry as this module does (``audit.services``)."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = payload["occurred_at"].astimezone(UTC).isoformat()
    return canonical_json(payload)


def entry_hash(*, previous_hash: str, fields: dict[str, Any]) -> str:
    message = previous_hash + hashed_text(fields)
    return hashlib.sha256(message.encode()).hexdigest()
