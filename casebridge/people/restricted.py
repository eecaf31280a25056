"""Confidential addresses as restricted values: withheld from free text wherever typed."""

from collections.abc import Collection, Hashable, Iterator

from django.db.models import Count, Max, QuerySet

from casebridge.access.policy import Action, visible
from casebridge.access.redaction import RestrictedValues
from casebridge.accounts.models import User
from casebridge.core import fingerprints
from casebridge.people.models import Address


def _confidential() -> QuerySet[Address]:
    return Address.objects.filter(is_confidential=True)


FINGERPRINT = "confidential addresses"


def register_fingerprint() -> None:
    # Addresses are added and ended, never rewritten, so their count and newest id say it all.
    fingerprints.register(FINGERPRINT, _confidential(), count=Count("pk"), newest=Max("pk"))


def _fingerprint() -> Hashable:
    return fingerprints.get(FINGERPRINT)


def _values() -> Iterator[tuple[Hashable, tuple[str, ...]]]:
    rows = _confidential().values_list("pk", "line_1", "line_2", "postcode")
    for pk, line_1, line_2, postcode in rows.iterator(chunk_size=5000):
        yield pk, (line_1, line_2, postcode)


def _visible_owners(user: User, owners: Collection[Hashable]) -> set[Hashable]:
    shown = visible(user=user, action=Action.VIEW, queryset=Address.objects.filter(pk__in=owners))
    return set(shown.values_list("pk", flat=True))


CONFIDENTIAL_ADDRESSES = RestrictedValues(
    name="confidential address",
    fingerprint=_fingerprint,
    values=_values,
    visible_owners=_visible_owners,
)
