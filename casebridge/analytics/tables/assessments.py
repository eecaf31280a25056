"""The risk assessments table (with whom each was about, for figures of people identified at
risk)."""

import pyarrow as pa

from casebridge.analytics.tables.common import Survivors, TableSpec, day, values
from casebridge.assessments.models import Assessment

ASSESSMENTS = pa.schema(
    [
        ("assessment_id", pa.string()),
        ("instrument", pa.string()),
        ("assessed_on", pa.date32()),
        ("final_band", pa.string()),
        ("assessing_agency_kind", pa.string()),
        ("stage", pa.string()),
        ("score", pa.int32()),
        ("person_id", pa.string()),  # the surviving record
    ]
)


def assessments() -> TableSpec:
    survivors = Survivors()
    rows = (
        (str(pk), instrument, day(assessed), band, agency, stage, score, survivors.id(person))
        for pk, instrument, assessed, band, agency, stage, score, person in values(
            Assessment.objects.all(),
            "pk",
            "instrument_code",
            "assessed_at",
            "final_band",
            "assessing_agency__kind",
            "stage",
            "score",
            "person_id",
        )
    )
    return TableSpec(ASSESSMENTS, rows)
