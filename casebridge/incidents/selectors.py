"""Reading incidents for the rules that count them."""

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from casebridge.incidents.models import Incident


def incidents_involving_victim(
    *,
    person_ids: Collection[UUID],
    category: str,
    reporting_agency_kind: str,
    since: datetime,
    until: datetime,
) -> list[Incident]:
    """Incidents of one category reported by one kind of agency, with any of these person
    records as the victim, that occurred in [since, until]."""
    return list(
        Incident.objects.filter(
            victim_id__in=person_ids,
            category=category,
            reporting_agency__kind=reporting_agency_kind,
            occurred_at__gte=since,
            occurred_at__lte=until,
        ).order_by("occurred_at")
    )
