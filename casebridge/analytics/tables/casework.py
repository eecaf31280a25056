"""The casework tables: each case's tiers over time, its needs, and the services it was
referred to (and the elements of them completed)."""

from collections.abc import Iterator
from itertools import groupby
from typing import Any

import pyarrow as pa
from django.db.models import Min, Q

from casebridge.analytics.tables.common import Survivors, TableSpec, day, values
from casebridge.casework.models import Need, ServiceReferral, TierAssignment
from casebridge.pathways.models import CaseEvent, Pathway


def _states(*, terminal: bool) -> Q:
    """Case events into (not) terminal states, pathway by pathway (there are few)."""
    condition = Q(pk__in=[])
    for pk, definition in Pathway.objects.values_list("pk", "definition"):
        codes = [s["code"] for s in definition["states"] if bool(s.get("terminal")) == terminal]
        condition |= Q(case__pathway_id=pk, to_state__in=codes)
    return condition


CASE_TIERS = pa.schema(
    [
        ("case_id", pa.string()),
        ("pathway", pa.string()),
        ("tier", pa.string()),
        ("entered_on", pa.date32()),
        ("left_on", pa.date32()),  # None while it is the case's tier
    ]
)


def case_tiers() -> TableSpec:
    ended = {
        case: day(first)
        for case, first in CaseEvent.objects.filter(_states(terminal=True))
        .values_list("case_id")
        .annotate(first=Min("occurred_at"))
        .order_by()
    }
    assignments = (
        TierAssignment.objects.values_list("case_id", "case__pathway__code", "tier", "assigned_on")
        .order_by("case_id", "assigned_on", "pk")
        .iterator(chunk_size=10_000)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for case, tiers in groupby(assignments, key=lambda a: a[0]):
            listed = list(tiers)
            for (_, pathway, tier, entered), following in zip(
                listed, [*listed[1:], None], strict=True
            ):
                ends = [d for d in (following and following[3], ended.get(case)) if d]
                # An assignment recorded after the case closed lasted no time at all.
                left = max(min(ends), entered) if ends else None
                yield str(case), pathway, tier, entered, left

    return TableSpec(CASE_TIERS, rows())


CASE_NEEDS = pa.schema(
    [
        ("need_id", pa.string()),
        ("case_id", pa.string()),
        ("pathway", pa.string()),
        ("person_id", pa.string()),
        ("area", pa.string()),
        ("identified_on", pa.date32()),
        ("outcome", pa.string()),  # "" until one is recorded
        ("outcome_on", pa.date32()),
    ]
)


def case_needs() -> TableSpec:
    survivors = Survivors()
    rows = (
        (str(pk), str(case), pathway, survivors.id(subject), area, identified, outcome, on)
        for pk, case, pathway, subject, area, identified, outcome, on in values(
            Need.objects.all(),
            "pk",
            "case_id",
            "case__pathway__code",
            "case__subject_id",
            "area",
            "identified_on",
            "outcome",
            "outcome_on",
        )
    )
    return TableSpec(CASE_NEEDS, rows)


REFERRAL_FIELDS = (
    "pk",
    "case_id",
    "case__pathway__code",
    "case__subject_id",
    "service",
    "referred_on",
    "started_on",
    "ended_on",
    "completed",
)


SERVICE_REFERRALS = pa.schema(
    [
        ("referral_id", pa.string()),
        ("case_id", pa.string()),
        ("pathway", pa.string()),
        ("person_id", pa.string()),
        ("service", pa.string()),
        ("referred_on", pa.date32()),
        ("started_on", pa.date32()),
        ("ended_on", pa.date32()),
        ("completed", pa.bool_()),
    ]
)


def service_referrals() -> TableSpec:
    survivors = Survivors()
    rows = (
        (str(pk), str(case), pathway, survivors.id(subject), *rest)
        for pk, case, pathway, subject, *rest in values(
            ServiceReferral.objects.all(), *REFERRAL_FIELDS
        )
    )
    return TableSpec(SERVICE_REFERRALS, rows)


SERVICE_ELEMENTS = pa.schema(
    [
        ("referral_id", pa.string()),
        ("case_id", pa.string()),
        ("pathway", pa.string()),
        ("person_id", pa.string()),
        ("service", pa.string()),
        ("element", pa.string()),
        ("ended_on", pa.date32()),  # the referral's
    ]
)


def service_elements() -> TableSpec:
    survivors = Survivors()
    rows = (
        (str(pk), str(case), pathway, survivors.id(subject), service, element, ended)
        for pk, case, pathway, subject, service, ended, elements in values(
            ServiceReferral.objects.all(),
            "pk",
            "case_id",
            "case__pathway__code",
            "case__subject_id",
            "service",
            "ended_on",
            "elements_completed",
        )
        for element in elements or ()
    )
    return TableSpec(SERVICE_ELEMENTS, rows)
