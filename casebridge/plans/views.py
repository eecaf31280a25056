"""Action plan pages: the plans, a plan's commitments, adding one, updating its status."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.plans.forms import CommitmentForm, CommitmentUpdateForm
from casebridge.plans.selectors import (
    commitment_get,
    commitment_history,
    may_add_commitments,
    may_update_commitments,
    may_view_plans,
    plan_commitments,
    plan_get,
    plan_list,
    plan_summary,
)
from casebridge.plans.services import commitment_create, commitment_update
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


def _audit_view(request: HttpRequest, summary: str, object_id: object = "") -> None:
    viewed(
        request,
        object_type=Resource.ACTION_PLAN,
        object_id=object_id,
        summary=summary,
    )


@signed_in
def plan_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_view_plans(user=user):
        raise AccessDenied(Action.VIEW, Resource.ACTION_PLAN)
    plans = list(plan_list(user=user))
    _audit_view(request, "Viewed action plans")
    return render(request, "plans/plan_list.html", {"plans": plans})


@signed_in
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = current_user(request)
    plan = plan_get(user=user, plan_id=plan_id)
    today = timezone.localdate()
    _audit_view(request, f"Viewed action plan {plan.title}", plan.pk)
    context = {
        "plan": plan,
        "commitments": list(plan_commitments(plan=plan, on=today)),
        "summary": plan_summary(plan=plan, on=today),
        "can_add": may_add_commitments(user=user),
    }
    return render(request, "plans/plan_detail.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def commitment_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = current_user(request)
    plan = plan_get(user=user, plan_id=plan_id, action=Action.CREATE)
    form = CommitmentForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = commitment_create(
                actor=user,
                plan=plan,
                reference=data["reference"],
                commitment=data["commitment"],
                owner_agency=data["owner_agency"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Commitment {commitment.reference} added.")
            return redirect("plans:plan_detail", plan_id=plan.pk)
    _audit_view(request, f"Viewed {plan.title} to add a commitment", plan.pk)
    status = 400 if form.errors else 200
    context = {"plan": plan, "form": form}
    return render(request, "plans/commitment_form.html", context, status=status)


@signed_in
def commitment_detail(request: HttpRequest, plan_id: int, commitment_id: int) -> HttpResponse:
    user = current_user(request)
    plan = plan_get(user=user, plan_id=plan_id)
    commitment = commitment_get(user=user, commitment_id=commitment_id, plan=plan)
    viewed(
        request,
        object_type="commitment",
        object_id=commitment.pk,
        summary=f"Viewed commitment {commitment.reference} of {plan.title}",
    )
    context = {
        "plan": plan,
        "commitment": commitment,
        "history": list(commitment_history(commitment=commitment)),
        "can_update": may_update_commitments(user=user),
    }
    return render(request, "plans/commitment_detail.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def commitment_status(request: HttpRequest, plan_id: int, commitment_id: int) -> HttpResponse:
    user = current_user(request)
    plan = plan_get(user=user, plan_id=plan_id, action=Action.CHANGE)
    commitment = commitment_get(
        user=user, commitment_id=commitment_id, plan=plan, action=Action.CHANGE
    )
    form = CommitmentUpdateForm(
        request.POST if request.method == "POST" else None,
        initial={"status": commitment.status},
    )
    if form.is_bound and form.is_valid():
        try:
            update = commitment_update(
                actor=user,
                commitment=commitment,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                f"Commitment {commitment.reference} is {update.get_status_display().lower()}.",
            )
            return redirect("plans:commitment_detail", plan_id=plan.pk, commitment_id=commitment.pk)
    viewed(
        request,
        object_type="commitment",
        object_id=commitment.pk,
        summary=f"Viewed commitment {commitment.reference} of {plan.title} to update it",
    )
    status = 400 if form.errors else 200
    context = {"plan": plan, "commitment": commitment, "form": form}
    return render(request, "plans/commitment_status.html", context, status=status)
