"""The pathways' tables: cases, their timelines, MARAC referrals and Clare's Law requests."""

import pyarrow as pa
from django.db.models import F

from casebridge.analytics.tables.common import Survivors, TableSpec, day, values
from casebridge.pathways.models import Case, CaseEvent, DisclosureRequest, MaracReferral

CASES = pa.schema(
    [
        ("case_id", pa.string()),
        ("pathway", pa.string()),
        ("referred_on", pa.date32()),
        ("referring_agency_kind", pa.string()),
        ("owner_agency_kind", pa.string()),
        ("state", pa.string()),
        ("outcome", pa.string()),
        ("subject_id", pa.string()),
        ("person_id", pa.string()),  # the subject's surviving record
    ]
)


def cases() -> TableSpec:
    survivors = Survivors()
    rows = (
        (
            str(pk),
            pathway,
            day(referred),
            referring,
            owner,
            state,
            outcome,
            str(subject),
            survivors.id(subject),
        )
        for pk, pathway, referred, referring, owner, state, outcome, subject in values(
            Case.objects.all(),
            "pk",
            "pathway__code",
            "referred_at",
            "referring_agency__kind",
            "owner_agency__kind",
            "state",
            "outcome",
            "subject_id",
        )
    )
    return TableSpec(CASES, rows)


CASE_EVENTS = pa.schema(
    [
        ("case_id", pa.string()),
        ("pathway", pa.string()),
        ("kind", pa.string()),
        ("from_state", pa.string()),
        ("to_state", pa.string()),
        ("outcome", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("occurred_on", pa.date32()),
    ]
)


def case_events() -> TableSpec:
    rows = (
        (str(case), pathway, kind, from_state, to_state, outcome, occurred, day(occurred))
        for case, pathway, kind, from_state, to_state, outcome, occurred in values(
            CaseEvent.objects.filter(kind__in=[CaseEvent.Kind.REFERRED, CaseEvent.Kind.TRANSITION]),
            "case_id",
            "case__pathway__code",
            "kind",
            "from_state",
            "to_state",
            "outcome",
            "occurred_at",
        )
    )
    return TableSpec(CASE_EVENTS, rows)


MARAC_REFERRALS = pa.schema(
    [
        ("case_id", pa.string()),
        ("referred_on", pa.date32()),
        ("is_repeat", pa.bool_()),
        ("children_in_household", pa.int32()),
        ("relationship", pa.string()),
        ("victim_sex", pa.string()),
        ("victim_age", pa.int32()),
        ("referring_agency_kind", pa.string()),
        ("mental_health_need", pa.bool_()),
        ("alcohol_need", pa.bool_()),
        ("drugs_need", pa.bool_()),
    ]
)


def marac_referrals() -> TableSpec:
    repeats = set(
        Case.objects.filter(criteria__code="repeat").values_list("pk", flat=True).order_by()
    )
    rows = (
        (str(case), day(referred), case in repeats, *rest)
        for case, referred, *rest in values(
            MaracReferral.objects.all(),
            "case_id",
            "case__referred_at",
            "children_in_household",
            "relationship",
            "victim_sex",
            "victim_age",
            "case__referring_agency__kind",
            "mental_health_need",
            "alcohol_need",
            "drugs_need",
        )
    )
    return TableSpec(MARAC_REFERRALS, rows)


DISCLOSURE_REQUESTS = pa.schema(
    [
        ("request_id", pa.int64()),
        ("route", pa.string()),
        ("requested_on", pa.date32()),
        ("decision", pa.string()),
        ("decided_on", pa.date32()),
    ]
)


def disclosure_requests() -> TableSpec:
    rows = values(
        DisclosureRequest.objects.annotate(request_id=F("pk")),
        "request_id",
        "route",
        "requested_on",
        "decision",
        "decided_on",
    )
    return TableSpec(DISCLOSURE_REQUESTS, rows)
