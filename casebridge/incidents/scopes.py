"""Incidents (registered from ``IncidentsConfig.ready``): an ``incident`` rule of scope "all"
grants every incident; any narrower scope, the incidents the user's agency reported."""

from casebridge.access.policy import Resource
from casebridge.access.registry import Protected, agency_field, protect
from casebridge.incidents.models import Incident


def register_scopes() -> None:
    protect(
        Protected(
            model=Incident,
            resource=Resource.INCIDENT,
            scope=agency_field("reporting_agency_id"),
            fields=("reporting_agency_id",),
        )
    )
