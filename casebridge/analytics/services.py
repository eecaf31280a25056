"""Writes for the figures: taking the snapshot the dashboard reads."""

from django.db import connection, transaction

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.analytics.snapshot import Snapshot
from casebridge.analytics.store import snapshot_discard, snapshot_id, store_snapshot
from casebridge.audit.services import audit_record


def _consistent_snapshot() -> Snapshot:
    """Every table read as of one moment, so the snapshot's tables agree with each other."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Read committed would let each table see a different moment.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return store_snapshot()


def snapshot_refresh(*, actor: User | None) -> Snapshot:
    """Snapshot the records now, so the dashboard's figures are up to date.

    ``actor`` None is the system (the ``snapshot`` command, run by a scheduler).

    Raises:
        AccessDenied: the actor may not refresh the figures.
    """
    if actor is not None:
        require_permission(user=actor, action=Action.CREATE, resource=Resource.FIGURES)
    snapshot = _consistent_snapshot()
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                actor_username="" if actor else "system",
                action="create",
                object_type="snapshot",
                object_id=snapshot_id(snapshot),
                summary="Took a snapshot of the records for the figures",
                changes={"rows": snapshot.rows},
            )
    except BaseException:
        snapshot_discard(snapshot)  # no snapshot without its entry
        raise
    return snapshot
