"""Pieces the training pages share: the period picker and the audit entry for a page view."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone

from casebridge.access.policy import Resource
from casebridge.audit.reads import viewed
from casebridge.training.forms import PeriodForm, financial_year_to_date


def chosen_period(request: HttpRequest) -> tuple[PeriodForm, tuple[date, date] | None]:
    """The period in the query string, or the financial year to date when none is given.

    Returns the form (to re-show what was typed) and the period, or None when it is invalid.
    """
    start, end = financial_year_to_date(timezone.localdate())
    if not any(key.startswith(("start", "end")) for key in request.GET):
        return PeriodForm(initial={"start": start, "end": end}), (start, end)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, (form.cleaned_data["start"], form.cleaned_data["end"])


def audit_view(
    request: HttpRequest, summary: str, object_id: object = "", **changes: object
) -> None:
    viewed(
        request,
        object_type=Resource.TRAINING,
        object_id=object_id,
        summary=summary,
        changes=dict(changes),
    )
