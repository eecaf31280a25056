"""Appending to the chain: inside the caller's transaction, one writer at a time, and the same
hashes whichever database writes them."""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Any

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from casebridge.accounts.models import User
from casebridge.audit import services
from casebridge.audit.chain import HASHED_FIELDS, entry_hash
from casebridge.audit.models import AuditEvent, ChainHead
from casebridge.audit.services import audit_record
from casebridge.audit.verification import verify_chain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_reads_back_as_written_and_moves_the_head():
    user = UserFactory()
    returned = audit_record(
        actor=user,
        action="change",
        object_type="person",
        object_id=7,
        summary="Changed Zoë's name",  # not ASCII: hashed alike by Python and PostgreSQL
        changes={"name": ["Ann", "Anne"], "born": [None, "2001-02-03"]},
        reason="typo",
        flagged=True,
    )
    stored = AuditEvent.objects.get(pk=returned.sequence)
    for name in (*HASHED_FIELDS, "previous_hash", "entry_hash"):
        assert getattr(stored, name) == getattr(returned, name), name
    assert stored.entry_hash == entry_hash(
        previous_hash=stored.previous_hash,
        fields={name: getattr(stored, name) for name in HASHED_FIELDS},
    )
    head = ChainHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (stored.sequence, stored.entry_hash)
    assert verify_chain().intact


def test_a_rolled_back_change_leaves_no_entry_and_the_chain_goes_on():
    user = UserFactory()
    audit_record(actor=user, action="view", object_type="person", object_id="before")
    head = ChainHead.objects.get(pk=1)

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=user, action="change", object_type="person", object_id="undone")
        raise RuntimeError("the change failed after its entry was written")

    assert not AuditEvent.objects.filter(object_id="undone").exists()
    head.refresh_from_db()
    assert head.last_hash == AuditEvent.objects.get(object_id="before").entry_hash
    audit_record(actor=user, action="view", object_type="person", object_id="after")
    assert verify_chain().intact


def test_an_entry_that_cannot_be_written_takes_the_change_down_with_it(monkeypatch):
    first = audit_record(actor=UserFactory(), action="view", object_type="person", object_id=1)
    # A hash the chain already holds: the unique column refuses the second entry. (SQLite's
    # appender hashes in Python; PostgreSQL's in its statement, still given the hashed text.)
    monkeypatch.setattr(services, "entry_hash", lambda **_: first.entry_hash)
    held = f"'{first.entry_hash}' || left(%s, 0)"
    append = services.APPEND_ON_POSTGRESQL.replace(services.HASH_IN_SQL, held)
    monkeypatch.setattr(services, "APPEND_ON_POSTGRESQL", append)

    with transaction.atomic():
        UserFactory(username="changed-without-an-entry")
        with pytest.raises(IntegrityError):
            audit_record(actor=None, actor_username="x", action="create", object_type="user")
        # Swallowing the error does not save the change: the block rolls back whole.

    assert not User.objects.filter(username="changed-without-an-entry").exists()
    assert verify_chain().intact


def test_a_value_too_long_for_its_column_is_refused_not_cut_short():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps text of any length")
    # Cut short, the entry would no longer match the hash made from the whole value.
    with pytest.raises(DataError), transaction.atomic():
        audit_record(actor=None, actor_username="x", action="view", object_id="9" * 65)
    assert verify_chain().intact


APPENDERS = 4
ENTRIES_EACH = 25


def in_own_connection(work: Callable[[], Any]) -> Any:
    """Run ``work`` on a connection of its own, which sees only committed rows."""
    try:
        return work()
    finally:
        connection.close()


@pytest.fixture
def writers_on_separate_connections() -> Iterator[None]:
    """Entries that other connections commit outlive the test's transaction: take them out
    again (past the triggers, as the tampering tests do) so later tests start from this head."""
    if connection.vendor != "postgresql":
        # The SQLite test database lives in memory with a shared cache, where a second writer
        # fails at once ("table is locked") instead of queueing as it does on a file.
        pytest.skip("needs writers on separate connections to a database that queues them")

    def head() -> tuple[int, str]:
        return ChainHead.objects.values_list("last_sequence", "last_hash").get(pk=1)

    with ThreadPoolExecutor(max_workers=1) as pool:
        before = pool.submit(in_own_connection, head).result()
        yield

        def restore() -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '20s'")
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
                cursor.execute("DELETE FROM audit_auditevent WHERE sequence > %s", [before[0]])
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                cursor.execute(
                    "UPDATE audit_chainhead SET last_sequence = %s, last_hash = %s WHERE id = 1",
                    list(before),
                )

        pool.submit(in_own_connection, restore).result()


@pytest.mark.usefixtures("writers_on_separate_connections")
@pytest.mark.parametrize("in_a_transaction", [True, False], ids=["change", "page-view"])
def test_concurrent_appenders_cannot_fork_the_chain(in_a_transaction):
    start = threading.Barrier(APPENDERS)

    def append(label: str) -> None:
        start.wait()
        for n in range(ENTRIES_EACH):
            # Each entry in a transaction of its own, as a request's change would be, or on
            # its own, as a page's "viewed" entry is written.
            with transaction.atomic() if in_a_transaction else nullcontext():
                audit_record(actor=None, actor_username=label, action="view", object_id=n)

    with ThreadPoolExecutor(max_workers=APPENDERS) as pool:
        appended = [
            pool.submit(in_own_connection, lambda label=f"appender {n}": append(label))
            for n in range(APPENDERS)
        ]
        for future in appended:
            future.result()

        def check() -> tuple[bool, int, int, int]:
            report = verify_chain()
            ours = AuditEvent.objects.filter(actor_username__startswith="appender ").count()
            links = AuditEvent.objects.values("previous_hash").distinct().count()
            return report.intact, report.entries_checked, ours, links

        intact, checked, ours, links = pool.submit(in_own_connection, check).result()

    assert intact
    assert ours == APPENDERS * ENTRIES_EACH
    assert links == checked  # no two entries follow the same one
