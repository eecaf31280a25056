"""Whether this process can serve: for a load balancer or an orchestrator, never a person.

Liveness is the process answering at all. Readiness is the database answering with every
migration applied, and each storage (casebridge/core/storage.py) taking a file. Each says ok or
not and nothing more: no version, no host, no reason (the reason is logged), as anyone who can
reach the server can ask without signing in.
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

CHECKED_STORAGES = ("imports", "snapshots", "audit_anchors")
PROBE_PREFIX = ".ready-"


class _Migrations:
    """Once every migration is applied, a process never has to look again: a deployment with
    new migrations starts new processes."""

    applied = False


def _database_answers() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _migrations_applied() -> bool:
    if not _Migrations.applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _Migrations.applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _Migrations.applied


def _storage_takes_a_file(name: str) -> None:
    storage = storages[name]
    probe = storage.save(f"{PROBE_PREFIX}{uuid.uuid4().hex}", ContentFile(b"ok"))
    storage.delete(probe)


def ready() -> bool:
    """Whether the database answers, is migrated, and every storage takes a file."""
    try:
        _database_answers()
        if not _migrations_applied():
            logger.warning("Not ready: migrations are not all applied")
            return False
        for name in CHECKED_STORAGES:
            _storage_takes_a_file(name)
    except Exception as error:  # whatever it is, the answer is "not ready"; the log says why
        logger.warning("Not ready: %s", type(error).__name__, exc_info=True)
        return False
    return True
