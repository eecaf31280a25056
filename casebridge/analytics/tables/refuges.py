"""The refuge stays table."""

import pyarrow as pa
from django.db.models import Count

from casebridge.analytics.tables.common import TableSpec, values
from casebridge.refuges.models import Stay

REFUGE_STAYS = pa.schema(
    [
        ("stay_id", pa.string()),
        ("refuge_id", pa.string()),
        ("arrived_on", pa.date32()),
        ("departed_on", pa.date32()),
        ("children", pa.int32()),
        ("bed_spaces", pa.int32()),
    ]
)


def refuge_stays() -> TableSpec:
    rows = (
        (str(pk), str(refuge), arrived, departed, children, beds)
        for pk, refuge, arrived, departed, children, beds in values(
            Stay.objects.annotate(children_count=Count("stay_children")),
            "pk",
            "refuge_id",
            "arrived_on",
            "departed_on",
            "children_count",
            "refuge__bed_spaces",
        )
    )
    return TableSpec(REFUGE_STAYS, rows)
