"""The verifier finds edits, deletions, reorderings and insertions anywhere in the chain.

The database refuses such changes, so each test first removes that protection the way an
attacker with owner rights could; the test transaction puts it back.
"""

import random

import pytest
from django.db import connection

from casebridge.audit.chain import HASHED_FIELDS, entry_hash
from casebridge.audit.models import AuditEvent
from casebridge.audit.services import audit_record
from casebridge.audit.verification import verify_chain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def drop_protection():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; settle them so the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def make_chain(length=12):
    user = UserFactory()
    return [
        audit_record(actor=user, action="view", object_type="person", object_id=n, summary=f"n{n}")
        for n in range(length)
    ]


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def edit(events, rng):
    victim = rng.choice(events)
    sql("UPDATE audit_auditevent SET summary = %s WHERE sequence = %s", ["edited", victim.sequence])
    return victim.sequence


def delete(events, rng):
    victim = rng.choice(events[:-1])
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [victim.sequence])
    return events[events.index(victim) + 1].sequence


def reorder(events, rng):
    first = rng.randrange(len(events) - 1)
    a, b = events[first], events[first + 1]
    # Swap the two entries' contents, hashes and all, so each row is self-consistent.
    # The unique hash column needs a placeholder while the two rows trade places.
    sql("UPDATE audit_auditevent SET entry_hash = 'moving' WHERE sequence = %s", [a.sequence])
    for column in ("summary", "object_id", "previous_hash", "entry_hash"):
        for this, other in ((b, a), (a, b)):
            sql(
                f"UPDATE audit_auditevent SET {column} = %s WHERE sequence = %s",  # noqa: S608
                [getattr(other, column), this.sequence],
            )
    return a.sequence


def insert(events, rng):
    position = rng.randrange(1, len(events))
    # Make room by moving the later entries up, then forge a well-formed entry in the gap.
    for event in reversed(events[position:]):
        sql(
            "UPDATE audit_auditevent SET sequence = sequence + 1 WHERE sequence = %s",
            [event.sequence],
        )
    before = events[position - 1]
    forged = AuditEvent(
        sequence=events[position].sequence,
        occurred_at=before.occurred_at,
        actor_username="intruder",
        action="view",
        object_type="person",
        object_id="forged",
        previous_hash=before.entry_hash,
    )
    fields = {name: getattr(forged, name) for name in HASHED_FIELDS}
    forged.entry_hash = entry_hash(previous_hash=before.entry_hash, fields=fields)
    forged.save(force_insert=True)
    return events[position].sequence + 1


@pytest.mark.parametrize("tamper", [edit, delete, reorder, insert])
@pytest.mark.parametrize("seed", range(5))
def test_tampering_is_detected_at_the_right_entry(tamper, seed):
    events = make_chain()
    drop_protection()
    expected = tamper(events, random.Random(seed))
    report = verify_chain()
    assert not report.intact
    assert report.first_broken_sequence == expected


def test_removing_the_newest_entries_is_detected():
    events = make_chain()
    drop_protection()
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [events[-1].sequence])
    report = verify_chain()
    assert not report.intact
    assert "removed from the end" in report.problem
