"""The audit chain's head, signed and exported: a chain rewritten by the database's owner, every
hash recomputed so that the chain alone checks out, is caught by the anchors."""

import json
from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from casebridge.audit.anchors import anchor_storage, audit_anchor_export, verify_anchors
from casebridge.audit.chain import HASHED_FIELDS, entry_hash
from casebridge.audit.models import AuditEvent, ChainHead
from casebridge.audit.services import audit_record
from casebridge.audit.verification import verify_chain
from tests.audit.test_tampering import drop_protection, make_chain, sql

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    settings.CASEBRIDGE_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    key = tmp_path / "anchor-key.pem"
    call_command("audit_anchor", "--new-key", str(key))
    settings.CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE = str(key)
    return key


def rewrite_from(sequence: int, summary: str) -> None:
    """What an owner of the database can do: change an entry, then recompute the hash of it and
    of every entry after it, and the head, so the chain is consistent again."""
    drop_protection()
    sql("UPDATE audit_auditevent SET summary = %s WHERE sequence = %s", [summary, sequence])
    previous = AuditEvent.objects.get(sequence=sequence).previous_hash
    rows = AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence")
    for row in rows.values("sequence", *HASHED_FIELDS):
        rehashed = entry_hash(previous_hash=previous, fields=row)
        sql(
            "UPDATE audit_auditevent SET previous_hash = %s, entry_hash = %s WHERE sequence = %s",
            [previous, rehashed, row["sequence"]],
        )
        previous = rehashed
    sql("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", [previous])


def test_an_anchor_signs_the_head_and_the_chain_matches_it():
    events = make_chain(5)
    anchor = audit_anchor_export()
    assert (anchor.sequence, anchor.entry_hash) == (events[-1].sequence, events[-1].entry_hash)
    assert anchor_storage().exists(anchor.name)
    # The export is itself in the chain, after the entry it anchors.
    exported = AuditEvent.objects.get(sequence=ChainHead.objects.get().last_sequence)
    assert (exported.object_type, exported.object_id) == ("audit_anchor", str(anchor.sequence))
    assert verify_anchors().intact


def test_a_rewritten_chain_with_every_hash_recomputed_is_caught_by_the_anchors():
    events = make_chain(6)
    audit_anchor_export()
    rewrite_from(events[2].sequence, "nothing to see here")
    assert verify_chain().intact  # the chain alone no longer shows it
    report = verify_anchors()
    assert report.problems == [
        f"entry {events[-1].sequence} no longer has the hash anchored on "
        f"{report_time()}: the chain was rewritten"
    ]
    with pytest.raises(CommandError, match="does not match its exported anchors"):
        call_command("verify_audit", "--anchors")


def report_time() -> str:
    name = sorted(anchor_storage().listdir("")[1])[0]
    anchored_at = json.loads(anchor_storage().open(name).read())["anchor"]["anchored_at"]
    return f"{datetime.fromisoformat(anchored_at):%d %B %Y %H:%M} UTC"


def test_a_chain_cut_back_below_an_anchor_is_caught():
    events = make_chain(4)
    audit_anchor_export()
    drop_protection()
    sql("DELETE FROM audit_auditevent WHERE sequence >= %s", [events[2].sequence])
    sql(
        "UPDATE audit_chainhead SET last_sequence = %s, last_hash = %s WHERE id = 1",
        [events[1].sequence, events[1].entry_hash],
    )
    assert verify_chain().intact
    assert verify_anchors().problems[0].startswith(f"entry {events[-1].sequence}, anchored on")


def test_an_anchor_edited_to_match_a_rewritten_chain_fails_its_signature():
    events = make_chain(3)
    anchor = audit_anchor_export()
    rewrite_from(events[0].sequence, "rewritten")
    storage = anchor_storage()
    document = json.loads(storage.open(anchor.name).read())
    document["anchor"]["entry_hash"] = AuditEvent.objects.get(sequence=anchor.sequence).entry_hash
    storage.delete(anchor.name)
    storage.save(anchor.name, json_file(document))
    assert verify_anchors().problems == [
        f"anchor {anchor.name}: its signature does not check (forged or edited)"
    ]


def json_file(document):
    return ContentFile(json.dumps(document).encode())


def test_anchors_are_checked_with_the_public_key_alone(settings, signing_key, capsys):
    make_chain(2)
    call_command("audit_anchor")
    settings.CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE = ""  # where they are checked, no private key
    call_command("verify_audit", "--anchors", "--public-key", f"{signing_key}.pub")
    assert "Audit chain matches its 1 signed anchors." in capsys.readouterr().out


def test_an_anchor_signed_by_another_key_is_refused(settings, tmp_path):
    make_chain(2)
    audit_anchor_export()
    call_command("audit_anchor", "--new-key", str(tmp_path / "other.pem"))
    report = verify_anchors(public_key_file=str(tmp_path / "other.pem.pub"))
    assert "its signature does not check" in report.problems[0]


def test_the_chain_keeps_growing_after_an_anchor():
    make_chain(2)
    audit_anchor_export()
    audit_record(actor=None, action="view", object_type="person", object_id=1)
    assert verify_chain().intact and verify_anchors().intact
