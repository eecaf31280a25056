"""Per-case pages of a meeting: share information, record minutes, agree an action."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.accounts.models import User
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.panels.forms import ActionForm, InformationForm, MinutesForm, RiskRatingForm
from casebridge.panels.models import AgendaItem
from casebridge.panels.selectors import (
    agenda_item_get,
    may_change_meeting,
    may_share_information,
    meeting_attendees,
    owner_user_choices,
)
from casebridge.panels.services import (
    action_agree,
    information_share,
    minutes_record,
    risk_rate,
)
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


def _back_to_item(item: AgendaItem) -> HttpResponse:
    url = reverse("panels:meeting_detail", kwargs={"meeting_id": item.meeting_id})
    return redirect(f"{url}#item-{item.pk}")


def _render(
    request: HttpRequest,
    user: User,
    item: AgendaItem,
    template: str,
    form: object,
    doing: str,
    **context: object,
) -> HttpResponse:
    viewed(
        request,
        object_type="case",
        object_id=item.case_id,
        summary=f"Viewed {item.case.reference} on {item.meeting.title} to {doing}",
    )
    status = 400 if getattr(form, "errors", None) else 200
    return render(request, template, {"item": item, "form": form, **context}, status=status)


def _runnable_item(user: User, item_id: int) -> AgendaItem:
    item = agenda_item_get(user=user, item_id=item_id)
    if not may_change_meeting(user=user, meeting=item.meeting):
        raise AccessDenied(Action.CHANGE, "agenda_item", item.pk)
    return item


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def item_information(request: HttpRequest, item_id: int) -> HttpResponse:
    user = current_user(request)
    item = agenda_item_get(user=user, item_id=item_id)
    if not may_share_information(user=user, meeting=item.meeting):
        raise AccessDenied(Action.CREATE, Resource.PANEL_INFORMATION, item.pk)
    form = InformationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            information_share(
                actor=user,
                agenda_item=item,
                text=form.cleaned_data["text"],
                phase=form.cleaned_data["phase"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back_to_item(item)
    return _render(request, user, item, "panels/information_form.html", form, "share information")


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def item_minutes(request: HttpRequest, item_id: int) -> HttpResponse:
    user = current_user(request)
    item = _runnable_item(user, item_id)
    form = MinutesForm(request.POST or None, initial={"text": item.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            minutes_record(actor=user, agenda_item=item, text=form.cleaned_data["text"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back_to_item(item)
    return _render(request, user, item, "panels/minutes_form.html", form, "record minutes")


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def item_action(request: HttpRequest, item_id: int) -> HttpResponse:
    user = current_user(request)
    item = _runnable_item(user, item_id)
    form = ActionForm(
        request.POST or None,
        attending=list(meeting_attendees(meeting=item.meeting)),
        users=list(owner_user_choices(meeting=item.meeting)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            action_agree(
                actor=user,
                agenda_item=item,
                description=form.cleaned_data["description"],
                owner_agency=form.chosen_agency(),
                owner_user=form.chosen_user(),
                due_date=form.cleaned_data["due_date"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back_to_item(item)
    return _render(request, user, item, "panels/action_form.html", form, "agree an action")


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def item_risk(request: HttpRequest, item_id: int, area: str) -> HttpResponse:
    """Rate one of the pathway's risk areas for the case (a SIRM's reprisal risk, say)."""
    user = current_user(request)
    item = _runnable_item(user, item_id)
    definition = item.meeting.pathway.definition
    chosen = next((a for a in definition.get("risk_areas", []) if a["code"] == area), None)
    if chosen is None:
        raise Http404("No such risk area")
    earlier = item.risk_ratings.filter(area=area).first()
    form = RiskRatingForm(
        request.POST or None,
        levels=definition["risk_levels"],
        initial={"level": earlier.level, "assessment": earlier.assessment} if earlier else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            risk_rate(
                actor=user,
                agenda_item=item,
                area=area,
                level=form.cleaned_data["level"],
                assessment=form.cleaned_data["assessment"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _back_to_item(item)
    return _render(
        request, user, item, "panels/risk_form.html", form, f"rate {area} risk", area=chosen
    )
