"""Serious violence: the incidents the SIRM rule proposed, and Serious Adult Violence panel
referrals (with the referring agency and the person's age then)."""

import pyarrow as pa

from casebridge.analytics.tables.common import Survivors, TableSpec, age_band, day, values
from casebridge.violence.models import SavReferral, SirmProposal

SIRM_PROPOSALS = pa.schema(
    [
        ("proposal_id", pa.string()),
        ("incident_id", pa.string()),
        ("proposed_on", pa.date32()),
        ("status", pa.string()),  # proposed, convened or not_needed
        ("case_id", pa.string()),  # the SIRM case, once convened
    ]
)


def sirm_proposals() -> TableSpec:
    rows = (
        (str(pk), str(incident), day(proposed), status, str(case) if case else None)
        for pk, incident, proposed, status, case in values(
            SirmProposal.objects.all(), "pk", "incident_id", "proposed_at", "status", "case_id"
        )
    )
    return TableSpec(SIRM_PROPOSALS, rows)


# The panel is for adults; the bands the board report breaks its referrals down by.
SAV_AGE_BANDS = ((18, 25), (26, 30), (31, 40))

SAV_REFERRALS = pa.schema(
    [
        ("case_id", pa.string()),
        ("person_id", pa.string()),  # the subject's surviving record
        ("referred_on", pa.date32()),
        ("referring_agency_kind", pa.string()),
        ("age", pa.int32()),  # at referral, as the referral recorded it
        ("age_band", pa.string()),
        ("sex", pa.string()),
        ("gang_affiliated", pa.bool_()),
        ("youth_transition", pa.bool_()),
    ]
)


def sav_referrals() -> TableSpec:
    survivors = Survivors()
    rows = (
        (
            str(case),
            survivors.id(subject),
            day(referred),
            agency,
            years,
            age_band(years, SAV_AGE_BANDS),
            survivors.born_and_sex(subject, born, sex)[1],
            gang,
            transition,
        )
        for case, subject, referred, agency, years, born, sex, gang, transition in values(
            SavReferral.objects.all(),
            "case_id",
            "case__subject_id",
            "case__referred_at",
            "case__referring_agency__kind",
            "age_at_referral",
            "case__subject__date_of_birth",
            "case__subject__sex",
            "gang_affiliated",
            "youth_transition",
        )
    )
    return TableSpec(SAV_REFERRALS, rows)
