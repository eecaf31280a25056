"""Victim Coordinator referrals: who was referred, when, by whom, and from which panel."""

import pyarrow as pa

from casebridge.analytics.tables.common import Survivors, TableSpec, day, values
from casebridge.victims.models import VictimReferral

VICTIM_REFERRALS = pa.schema(
    [
        ("case_id", pa.string()),
        ("person_id", pa.string()),  # the subject's surviving record
        ("referred_on", pa.date32()),
        ("referring_agency_kind", pa.string()),
        ("victim_kind", pa.string()),  # direct or indirect
        ("from_meeting_id", pa.string()),  # None: an agency's referral, not a panel's
        # The referring panel's pathway (sirm, exploitation), or "agency" for an agency's.
        ("referred_by", pa.string()),
        ("from_panel", pa.bool_()),
    ]
)


def victim_referrals() -> TableSpec:
    survivors = Survivors()
    rows = (
        (
            str(case),
            survivors.id(subject),
            day(referred),
            agency,
            kind,
            str(meeting) if meeting else None,
            pathway or "agency",
            meeting is not None,
        )
        for case, subject, referred, agency, kind, meeting, pathway in values(
            VictimReferral.objects.all(),
            "case_id",
            "case__subject_id",
            "case__referred_at",
            "case__referring_agency__kind",
            "victim_kind",
            "from_meeting_id",
            "from_meeting__pathway__code",
        )
    )
    return TableSpec(VICTIM_REFERRALS, rows)
