"""Checking that nobody has edited, removed, reordered or inserted audit entries."""

from dataclasses import dataclass

from casebridge.audit.chain import GENESIS_HASH, HASHED_FIELDS, entry_hash
from casebridge.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainReport:
    entries_checked: int
    first_broken_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_sequence is None and not self.problem


def verify_chain() -> ChainReport:
    """Walk the chain in order; name the first entry whose links or contents do not match."""
    expected_previous = GENESIS_HASH
    checked = 0
    last_sequence = 0
    rows = AuditEvent.objects.order_by("sequence").values(
        "sequence", "previous_hash", "entry_hash", *HASHED_FIELDS
    )
    for row in rows.iterator(chunk_size=5000):
        checked += 1
        last_sequence = row["sequence"]
        if row["previous_hash"] != expected_previous:
            return ChainReport(
                checked,
                row["sequence"],
                "does not follow the entry before it (an entry was removed, moved or inserted)",
            )
        if entry_hash(previous_hash=row["previous_hash"], fields=row) != row["entry_hash"]:
            return ChainReport(checked, row["sequence"], "its contents were changed")
        expected_previous = row["entry_hash"]
    head = ChainHead.objects.get(pk=1)
    if head.last_hash != expected_previous or head.last_sequence != last_sequence:
        return ChainReport(
            checked,
            None,
            f"the chain ends at entry {last_sequence} but the head records entry "
            f"{head.last_sequence}: entries were removed from the end",
        )
    return ChainReport(checked)
