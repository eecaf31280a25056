"""What a rule's scope means for partner data imports (registered from ``ImportsConfig.ready``)."""

from casebridge.access.conditions import ALWAYS, NEVER, Condition, equals
from casebridge.access.policy import Resource, Scope
from casebridge.access.registry import Protected, protect
from casebridge.accounts.models import User
from casebridge.imports.models import ImportBatch


def batch_scope(user: User, scope: str) -> Condition:
    if scope == Scope.ALL:
        return ALWAYS
    if scope in (Scope.AGENCY, Scope.TEAM):
        return equals("imported_by_agency_id", user.agency_id)
    if scope == Scope.OWN:
        return equals("imported_by_id", user.pk)
    return NEVER


def register_scopes() -> None:
    protect(
        Protected(
            ImportBatch,
            Resource.IMPORT_BATCH,
            batch_scope,
            fields=("imported_by_agency_id", "imported_by_id"),
        )
    )
