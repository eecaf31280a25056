"""Refuge addresses as restricted values: withheld from free text wherever typed."""

from collections.abc import Collection, Hashable, Iterator

from django.db.models import Count, Max

from casebridge.access.models import Entitlement
from casebridge.access.policy import visible_refuge_addresses
from casebridge.access.redaction import RestrictedValues
from casebridge.accounts.models import User
from casebridge.core import fingerprints
from casebridge.refuges.models import Refuge

FINGERPRINT = "refuges"
ENTITLEMENTS_FINGERPRINT = "refuge entitlements"


def register_fingerprints() -> None:
    # A refuge's address is set when it is recorded and never rewritten.
    fingerprints.register(
        FINGERPRINT, Refuge.objects.all(), count=Count("pk"), newest=Max("created_at")
    )
    # Who may see a refuge besides its provider's staff (the navigation's link to the list).
    fingerprints.register(
        ENTITLEMENTS_FINGERPRINT,
        Entitlement.objects.filter(refuge__isnull=False),
        count=Count("pk"),
        last=Max("pk"),
    )


def _fingerprint() -> Hashable:
    return fingerprints.get(FINGERPRINT)


def _values() -> Iterator[tuple[Hashable, tuple[str, ...]]]:
    for pk, line_1, line_2, postcode in Refuge.objects.values_list(
        "pk", "line_1", "line_2", "postcode"
    ):
        yield pk, (line_1, line_2, postcode)


def _visible_owners(user: User, owners: Collection[Hashable]) -> set[Hashable]:
    shown = visible_refuge_addresses(user=user, queryset=Refuge.objects.filter(pk__in=owners))
    return set(shown.values_list("pk", flat=True))


REFUGE_ADDRESSES = RestrictedValues(
    name="refuge address",
    fingerprint=_fingerprint,
    values=_values,
    visible_owners=_visible_owners,
)
