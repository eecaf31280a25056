"""The risk assessments table."""

import pyarrow as pa

from casebridge.analytics.tables.common import TableSpec, day, values
from casebridge.assessments.models import Assessment


def assessments() -> TableSpec:
    rows = (
        (str(pk), instrument, day(assessed), band, agency, stage, score)
        for pk, instrument, assessed, band, agency, stage, score in values(
            Assessment.objects.all(),
            "pk",
            "instrument_code",
            "assessed_at",
            "final_band",
            "assessing_agency__kind",
            "stage",
            "score",
        )
    )
    schema = pa.schema(
        [
            ("assessment_id", pa.string()),
            ("instrument", pa.string()),
            ("assessed_on", pa.date32()),
            ("final_band", pa.string()),
            ("assessing_agency_kind", pa.string()),
            ("stage", pa.string()),
            ("score", pa.int32()),
        ]
    )
    return TableSpec(schema, rows)
