"""The incidents table: what was reported, by whom, and its outcome."""

import pyarrow as pa

from casebridge.analytics.tables.common import TableSpec, day, values
from casebridge.incidents.models import Incident


def incidents() -> TableSpec:
    rows = (
        (str(pk), category, domestic, day(occurred), agency, outcome, outcome_on)
        for pk, category, domestic, occurred, agency, outcome, outcome_on in values(
            Incident.objects.all(),
            "pk",
            "category",
            "domestic_abuse",
            "occurred_at",
            "reporting_agency__kind",
            "outcome",
            "outcome_on",
        )
    )
    schema = pa.schema(
        [
            ("incident_id", pa.string()),
            ("category", pa.string()),
            ("domestic_abuse", pa.bool_()),
            ("occurred_on", pa.date32()),
            ("reporting_agency_kind", pa.string()),
            ("outcome", pa.string()),  # "" until the reporting agency records one
            ("outcome_on", pa.date32()),
        ]
    )
    return TableSpec(schema, rows)
