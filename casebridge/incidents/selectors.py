"""Reading incidents for the rules that count them."""

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from django.db.models import Q

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
    records as the victim, that occurred in [since, until].

    "Domestic abuse" means every incident flagged as domestic-abuse related, whatever else it
    was recorded as (a domestic violence-with-injury offence is a domestic-abuse incident too).
    """
    matching = (
        Q(domestic_abuse=True)
        if category == Incident.Category.DOMESTIC_ABUSE
        else Q(category=category)
    )
    return list(
        Incident.objects.filter(
            matching,
            victim_id__in=person_ids,
            reporting_agency__kind=reporting_agency_kind,
            occurred_at__gte=since,
            occurred_at__lte=until,
        ).order_by("occurred_at")
    )
