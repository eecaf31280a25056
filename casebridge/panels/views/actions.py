"""The user's actions and completing one."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.panels.forms import CancelActionForm, CompleteActionForm
from casebridge.panels.models import Action as PanelAction
from casebridge.panels.selectors import (
    action_get,
    may_change_meeting,
    may_complete_action,
    may_view_meetings,
    meetings_run_by,
    my_actions,
)
from casebridge.panels.services import action_cancel, action_complete
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
def action_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_view_meetings(user=user):
        raise AccessDenied(Action.VIEW, Resource.MEETING)
    actions = list(my_actions(user=user)[:200])
    if actions:
        viewed(
            request,
            object_type="action",
            summary="Viewed their actions",
            changes={"actions": [str(a.pk) for a in actions]},
        )
    runs = meetings_run_by(user=user, meeting_ids={a.agenda_item.meeting_id for a in actions})
    return render(
        request,
        "panels/action_list.html",
        {"actions": actions, "today": timezone.localdate(), "runs_meetings": runs},
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def action_completion(request: HttpRequest, action_id: UUID) -> HttpResponse:
    user = current_user(request)
    action = action_get(user=user, action_id=action_id)
    if not may_complete_action(user=user, action=action):
        raise AccessDenied(Action.CHANGE, Resource.PANEL_ACTION, action.pk)
    form = CompleteActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action_complete(actor=user, action=action, note=form.cleaned_data["note"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("panels:action_list")
    viewed(
        request,
        object_type="action",
        object_id=action.pk,
        summary=f"Viewed action on {action.case.reference} to complete it",
    )
    status = 400 if form.errors else 200
    return render(
        request, "panels/action_complete.html", {"action": action, "form": form}, status=status
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def action_cancellation(request: HttpRequest, action_id: UUID) -> HttpResponse:
    """Cancel an open action, with a reason: for the coordinator running its meeting."""
    user = current_user(request)
    action = action_get(user=user, action_id=action_id)
    meeting = action.agenda_item.meeting
    if not may_change_meeting(user=user, meeting=meeting):
        raise AccessDenied(Action.CHANGE, "action", action.pk)
    form = CancelActionForm(request.POST or None)
    is_open = action.status == PanelAction.Status.OPEN
    if request.method == "POST" and is_open and form.is_valid():
        try:
            action_cancel(actor=user, action=action, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"The action on {action.case.reference} is cancelled.")
            url = reverse("panels:meeting_detail", kwargs={"meeting_id": meeting.pk})
            return redirect(f"{url}#item-{action.agenda_item_id}")
    viewed(
        request,
        object_type="action",
        object_id=action.pk,
        summary=f"Viewed action on {action.case.reference} to cancel it",
    )
    status = 400 if form.errors else 200
    return render(
        request,
        "panels/action_cancel.html",
        {"action": action, "is_open": is_open, "form": form},
        status=status,
    )
