"""GP programme pages: surgeries, their engagement, their referrals and the period's figures."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.core.errors import ApplicationError
from casebridge.training.forms import ReferralForm, StatusForm, SurgeryForm
from casebridge.training.selectors import (
    may_change_training,
    may_record_training,
    programme_figures,
    require_view,
    surgery_get,
    surgery_history,
    surgery_list,
    surgery_referrals,
    surgery_status_on,
)
from casebridge.training.services import referral_record, surgery_register, surgery_status_change
from casebridge.training.views.common import audit_view, chosen_period
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
def surgery_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_view(user=user)
    surgeries = list(surgery_list(user=user, on=timezone.localdate()))
    audit_view(request, "Viewed GP surgeries", surgeries=len(surgeries))
    context = {"surgeries": surgeries, "can_record": may_record_training(user=user)}
    return render(request, "training/surgery_list.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def surgery_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_record_training(user=user):
        raise AccessDenied(Action.CREATE, Resource.TRAINING)
    form = SurgeryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            surgery = surgery_register(
                actor=user,
                name=form.cleaned_data["name"],
                practice_code=form.cleaned_data["practice_code"],
                known_from=form.cleaned_data["known_from"],
                agency=form.chosen_agency(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{surgery.name} is listed as not engaged.")
            return redirect("training:surgery_detail", surgery_id=surgery.pk)
    status = 400 if form.errors else 200
    return render(request, "training/surgery_form.html", {"form": form}, status=status)


@signed_in
def surgery_detail(request: HttpRequest, surgery_id: UUID) -> HttpResponse:
    user = current_user(request)
    surgery = surgery_get(user=user, surgery_id=surgery_id)
    audit_view(request, f"Viewed GP surgery {surgery}", surgery.pk)
    context = {
        "surgery": surgery,
        "status": surgery_status_on(surgery=surgery, day=timezone.localdate()),
        "history": list(surgery_history(surgery=surgery)),
        "referrals": list(surgery_referrals(surgery=surgery)),
        "can_change": may_change_training(user=user),
        "can_record": may_record_training(user=user),
    }
    return render(request, "training/surgery_detail.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def surgery_status(request: HttpRequest, surgery_id: UUID) -> HttpResponse:
    user = current_user(request)
    surgery = surgery_get(user=user, surgery_id=surgery_id, action=Action.CHANGE)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = surgery_status_change(
                actor=user,
                surgery=surgery,
                status=form.cleaned_data["status"],
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                f"{surgery.name} is {change.get_status_display().lower()} from "
                f"{change.effective_on:%-d %B %Y}.",
            )
            return redirect("training:surgery_detail", surgery_id=surgery.pk)
    context = {
        "surgery": surgery,
        "status": surgery_status_on(surgery=surgery, day=timezone.localdate()),
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "training/surgery_status.html", context, status=status)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def referral_create(request: HttpRequest, surgery_id: UUID) -> HttpResponse:
    user = current_user(request)
    surgery = surgery_get(user=user, surgery_id=surgery_id, action=Action.CREATE)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_record(
                actor=user,
                surgery=surgery,
                referred_on=form.cleaned_data["referred_on"],
                count=form.cleaned_data["count"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                f"{referral.count} referrals recorded on {referral.referred_on:%-d %B %Y}.",
            )
            return redirect("training:surgery_detail", surgery_id=surgery.pk)
    status = 400 if form.errors else 200
    context = {"surgery": surgery, "form": form}
    return render(request, "training/referral_form.html", context, status=status)


@signed_in
def programme_report(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_view(user=user)
    form, period = chosen_period(request)
    figures = None
    if period is not None:
        figures = programme_figures(user=user, start=period[0], end=period[1])
        audit_view(
            request,
            f"Viewed GP programme figures {period[0]:%-d %b %Y} to {period[1]:%-d %b %Y}",
            period=[period[0], period[1]],
        )
    status = 200 if period is not None else 400
    context = {"form": form, "figures": figures}
    return render(request, "training/programme_report.html", context, status=status)
