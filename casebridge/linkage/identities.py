"""Who is already whom: merged records and decided pairs, loaded once for a linking run."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Q

from casebridge.linkage.models import MatchReview
from casebridge.people.selectors import IDS_PER_QUERY, merge_links, surviving_record


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


@dataclass
class Identities:
    """The merge links (``merged_into``) and reviewed pairs around some people, kept up to date
    as a run merges and queues, so each decision sees the ones before it."""

    merged_into: dict[str, str | None] = field(default_factory=dict)
    reviews: dict[frozenset[str], str] = field(default_factory=dict)
    survivors_with_others: set[str] = field(default_factory=set)
    in_pending_pairs: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, *, person_ids: Iterable[str]) -> "Identities":
        identities = cls()
        links = merge_links(person_ids=[UUID(str(pk)) for pk in person_ids])
        identities.merged_into = {
            str(pk): str(parent) if parent else None for pk, parent in links.items()
        }
        known = list(identities.merged_into)
        for start in range(0, len(known), IDS_PER_QUERY):
            chunk = known[start : start + IDS_PER_QUERY]
            for a, b, status in MatchReview.objects.filter(
                Q(incoming_id__in=chunk) | Q(existing_id__in=chunk)
            ).values_list("incoming_id", "existing_id", "status"):
                identities.reviews[_pair(str(a), str(b))] = status
                if status == MatchReview.Status.PENDING:
                    identities.in_pending_pairs |= {str(a), str(b)}
        return identities

    def survivor(self, person_id: str) -> str:
        """The record this one is merged into, following merges of merges."""
        return surviving_record(self.merged_into, person_id)

    def decided(self, a: str, b: str) -> bool:
        """Whether the pair was queued or decided before (by anyone, in any run)."""
        return _pair(a, b) in self.reviews

    def pending(self, person_id: str) -> bool:
        """Whether the record is in a pair waiting for an analyst."""
        return person_id in self.in_pending_pairs

    def rejected(self, a: str, b: str) -> bool:
        return self.reviews.get(_pair(a, b)) == MatchReview.Status.REJECTED

    def merged(self, *, duplicate: str, survivor: str) -> None:
        self.merged_into[duplicate] = survivor
        self.survivors_with_others.add(survivor)

    def has_merged_into(self, person_id: str) -> bool:
        """Whether a record was merged into this one during the run."""
        return person_id in self.survivors_with_others

    def kept_apart(self, a: str, b: str) -> None:
        self.reviews[_pair(a, b)] = MatchReview.Status.REJECTED

    def queued(self, a: str, b: str) -> None:
        self.reviews[_pair(a, b)] = MatchReview.Status.PENDING
        self.in_pending_pairs |= {a, b}
