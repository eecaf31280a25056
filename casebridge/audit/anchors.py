"""The audit chain's head, signed and kept outside the database, so that a rewritten chain is
detectable from outside it.

The chain shows any change to an entry, but only against the entries after it: whoever owns
the database can rewrite the whole chain from the change onwards, recomputing every hash, and
the chain checks out again. An anchor is the head's sequence and hash at a moment, signed with a
key the database never holds and written to a storage of its own (``audit_anchors``): a chain
rewritten at or before an anchored entry no longer has that entry's hash, and no one without the
key can sign a new anchor to match.

The signature is Ed25519 (``cryptography``): the private key signs where the anchors are made
(a file only that process reads), and the public key alone checks them, so an auditor, or a
partner's IT, can check the chain against the anchors without being able to forge one. (An
HMAC would need the same secret to check as to sign.) ``casebridge audit-anchor`` makes one;
the schedule runs it daily; ``casebridge verify-audit --anchors`` checks the chain against all.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from casebridge.audit.chain import canonical_json
from casebridge.audit.models import AuditEvent, ChainHead
from casebridge.audit.services import audit_record

ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class Anchor:
    sequence: int
    entry_hash: str
    anchored_at: datetime
    name: str = ""  # its file's name in the storage

    def signed_text(self) -> bytes:
        return canonical_json(
            {
                "sequence": self.sequence,
                "entry_hash": self.entry_hash,
                "anchored_at": self.anchored_at.isoformat(),
            }
        ).encode()


@dataclass(frozen=True)
class AnchorReport:
    anchors_checked: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def anchor_storage() -> Storage:
    return storages["audit_anchors"]


def new_key_pair(path: Path) -> Path:
    """Write a new private key to ``path`` (readable by its owner only) and its public key
    beside it (``path`` + ``.pub``); the public key's path is returned."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.touch(mode=0o600, exist_ok=False)
    path.write_bytes(private)
    public = path.with_name(f"{path.name}.pub")
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return public


def _signing_key() -> Ed25519PrivateKey:
    if not settings.CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE:
        raise ImproperlyConfigured(
            "Set CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE to the private key that signs the audit "
            "chain's anchors (casebridge audit-anchor --new-key PATH makes one)."
        )
    key = serialization.load_pem_private_key(
        Path(settings.CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE).read_bytes(), password=None
    )
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The audit anchor key must be an Ed25519 private key.")
    return key


def checking_key(public_key_file: str = "") -> Ed25519PublicKey:
    """The public key anchors are checked with: the file given, else the setting's, else the
    signing key's own."""
    path = public_key_file or settings.CASEBRIDGE_AUDIT_ANCHOR_PUBLIC_KEY_FILE
    if not path:
        return _signing_key().public_key()
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured("The audit anchor public key must be an Ed25519 key.")
    return key


def audit_anchor_export() -> Anchor:
    """Sign the chain's head as it is now and write it to the anchors' storage; the export is
    itself recorded in the chain (after the entry it anchors)."""
    key = _signing_key()
    with transaction.atomic():
        head = ChainHead.objects.get(pk=1)
        anchor = Anchor(head.last_sequence, head.last_hash, timezone.now())
        audit_record(
            actor=None,
            actor_username="system",
            action=AuditEvent.Action.EXPORT,
            object_type="audit_anchor",
            object_id=anchor.sequence,
            summary=f"Signed the audit chain's head at entry {anchor.sequence} and exported it",
            changes={"entry_hash": anchor.entry_hash},
        )
    document = {
        "anchor": json.loads(anchor.signed_text()),
        "algorithm": ALGORITHM,
        "signature": base64.b64encode(key.sign(anchor.signed_text())).decode(),
    }
    name = f"anchor-{anchor.anchored_at:%Y%m%dT%H%M%S%fZ}-{anchor.sequence}.json"
    saved = anchor_storage().save(name, ContentFile(json.dumps(document, indent=2).encode()))
    return Anchor(anchor.sequence, anchor.entry_hash, anchor.anchored_at, saved)


class UncheckedAnchor(Exception):
    """An anchor that cannot be trusted: unreadable, or its signature does not check."""


def _read(storage: Storage, name: str, key: Ed25519PublicKey) -> Anchor:
    """The anchor in a file, once its signature checks."""
    try:
        with storage.open(name, "rb") as stored:
            document = json.loads(stored.read())
        fields = document["anchor"]
        anchor = Anchor(
            int(fields["sequence"]),
            str(fields["entry_hash"]),
            datetime.fromisoformat(fields["anchored_at"]),
            name,
        )
        signature = base64.b64decode(document["signature"])
    except (ValueError, KeyError, TypeError):
        raise UncheckedAnchor(f"anchor {name}: unreadable") from None
    try:
        key.verify(signature, anchor.signed_text())
    except InvalidSignature:
        raise UncheckedAnchor(
            f"anchor {name}: its signature does not check (forged or edited)"
        ) from None
    return anchor


def verify_anchors(*, public_key_file: str = "") -> AnchorReport:
    """Check every exported anchor's signature, and that the chain still holds each anchored
    entry with the hash the anchor signed."""
    key = checking_key(public_key_file)
    storage = anchor_storage()
    try:
        names = sorted(n for n in storage.listdir("")[1] if n.startswith("anchor-"))
    except FileNotFoundError:
        names = []
    problems: list[str] = []
    anchors: list[Anchor] = []
    for name in names:
        try:
            anchors.append(_read(storage, name, key))
        except UncheckedAnchor as error:
            problems.append(str(error))
    held = dict(
        AuditEvent.objects.filter(sequence__in=[a.sequence for a in anchors]).values_list(
            "sequence", "entry_hash"
        )
    )
    for anchor in anchors:
        if anchor.sequence == 0:
            continue  # anchored an empty chain
        found = held.get(anchor.sequence)
        when = f"{anchor.anchored_at:%d %B %Y %H:%M} UTC"
        if found is None:
            problems.append(f"entry {anchor.sequence}, anchored on {when}, is gone")
        elif found != anchor.entry_hash:
            problems.append(
                f"entry {anchor.sequence} no longer has the hash anchored on {when}: "
                "the chain was rewritten"
            )
    return AnchorReport(len(anchors), problems)
