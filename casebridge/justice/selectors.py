"""Reading a case's contacts with the criminal justice system."""

from django.db.models import QuerySet

from casebridge.justice.models import JusticeContact
from casebridge.pathways.models import Case


def case_justice_contacts(*, case: Case) -> QuerySet[JusticeContact]:
    """The case's contacts, oldest first; whoever may see the case may see them. Each gives
    its labels as ``get_stage_display()`` and ``get_outcome_display()``."""
    return case.justice_contacts.select_related("recorded_by").order_by("occurred_on", "pk")


def records_justice_contacts(*, case: Case) -> bool:
    """Whether the case's pathway records contacts with the criminal justice system."""
    return bool(case.pathway.definition.get("justice_contacts"))
