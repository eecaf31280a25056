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


def entry_hash(*, previous_hash: str, fields: dict[str, Any]) -> str:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = payload["occurred_at"].astimezone(UTC).isoformat()
    message = previous_hash + canonical_json(payload)
    return hashlib.sha256(message.encode()).hexdigest()
