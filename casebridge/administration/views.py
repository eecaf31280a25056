"""The administration pages: an agency's accounts, inviting a user, their access (agency, team,
roles), ending it, resetting their second factor, and the quarterly access review. Every
refusal of the rules is a 404 (``AccessDenied``), so ids can't be probed."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.access.policy import AccessDenied, Action, Resource, permitted
from casebridge.accounts.models import User
from casebridge.accounts.totp import confirmed_device
from casebridge.administration.forms import AccessForm, AccessReviewForm, InviteForm, ReasonForm
from casebridge.administration.selectors import (
    access_review_of,
    access_review_rows,
    account_get,
    administered_agencies,
    agency_accounts,
    agency_get,
    flagged_for_removal,
    grantable_roles,
    may_administer,
    open_invitation,
    reviewable_agencies,
)
from casebridge.administration.services import (
    access_review_confirm,
    invitation_renew,
    privileged_refusal,
    user_access_end,
    user_access_set,
    user_invite,
    user_second_factor_reset,
)
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.core.periods import financial_quarter_label
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
def agency_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_administer(user=user):
        raise AccessDenied(Action.VIEW, Resource.ACCOUNT)
    agencies = list(administered_agencies(user=user))
    viewed(request, object_type="agency", summary="Viewed the agencies they administer")
    context = {
        "agencies": agencies,
        "may_review": permitted(user=user, action=Action.VIEW, resource=Resource.ACCESS_REVIEW),
    }
    return render(request, "administration/agency_list.html", context)


@signed_in
def agency_users(request: HttpRequest, agency_id: int) -> HttpResponse:
    user = current_user(request)
    agency = agency_get(user=user, agency_id=agency_id)
    accounts = agency_accounts(user=user, agency=agency)
    viewed(
        request,
        object_type="agency",
        object_id=agency.pk,
        summary=f"Viewed the accounts of {agency.name}",
        changes={"users": [account.pk for account in accounts]},
    )
    context = {
        "agency": agency,
        "accounts": accounts,
        "flagged": flagged_for_removal(agency=agency),
        "may_invite": administered_agencies(user=user, action=Action.CREATE)
        .filter(pk=agency.pk)
        .exists(),
    }
    return render(request, "administration/agency_users.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest, agency_id: int) -> HttpResponse:
    user = current_user(request)
    agency = agency_get(user=user, agency_id=agency_id)
    agencies = administered_agencies(user=user, action=Action.CREATE)
    if not agencies.filter(pk=agency.pk).exists():
        raise AccessDenied(Action.CREATE, Resource.ACCOUNT)
    form = InviteForm(
        request.POST or None,
        initial={"agency": agency},
        agencies=agencies,
        roles=grantable_roles(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited, token = user_invite(
                actor=user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                agency=data["agency"],
                team=data["team"],
                roles=data["roles"],
                reason=data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return _invitation_link(request, invited, token)
    status = 400 if form.errors else 200
    context = {"form": form, "agency": agency}
    return render(request, "administration/invite.html", context, status=status)


def _invitation_link(request: HttpRequest, invited: User, token: str) -> HttpResponse:
    """The one-time link, shown this once (only its digest is kept)."""
    link = request.build_absolute_uri(reverse("accounts:invitation", kwargs={"token": token}))
    context = {"invited": invited, "link": link, "expires": open_invitation(user=invited)}
    return render(request, "administration/invitation_link.html", context)


@signed_in
def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user = current_user(request)
    account = account_get(user=user, user_id=user_id)
    viewed(request, object_type="user", object_id=account.pk, summary=f"Viewed {account.username}")
    context = {
        "account": account,
        "roles": list(account.roles.order_by("name")),
        "invitation": open_invitation(user=account),
        "has_password": account.has_usable_password(),
        "second_factor": confirmed_device(user=account) is not None,
        "is_self": account.pk == user.pk,
        "refusal": privileged_refusal(actor=user, user=account),
    }
    return render(request, "administration/account_detail.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def account_access(request: HttpRequest, user_id: int) -> HttpResponse:
    user = current_user(request)
    account = account_get(user=user, user_id=user_id, action=Action.CHANGE)
    form = AccessForm(
        request.POST or None,
        initial={
            "agency": account.agency,
            "team": account.team,
            "roles": list(account.roles.all()),
        },
        agencies=administered_agencies(user=user, action=Action.CHANGE),
        roles=grantable_roles(held_by=account),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_access_set(
                actor=user,
                user=account,
                agency=data["agency"],
                team=data["team"],
                roles=data["roles"],
                reason=data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{account.display_name}'s access has changed.")
            return redirect("administration:account_detail", user_id=account.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "account": account}
    return render(request, "administration/account_access.html", context, status=status)


def _reason_page(
    request: HttpRequest, user_id: int, *, template: str, act: Callable[..., User], done: str
) -> HttpResponse:
    """A page asking for a reason, then doing ``act(actor=, user=, reason=)``."""
    user = current_user(request)
    account = account_get(user=user, user_id=user_id, action=Action.CHANGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(actor=user, user=account, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, done.format(name=account.display_name))
            return redirect("administration:account_detail", user_id=account.pk)
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, "account": account}, status=status)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def account_end(request: HttpRequest, user_id: int) -> HttpResponse:
    return _reason_page(
        request,
        user_id,
        template="administration/account_end.html",
        act=user_access_end,
        done="{name}'s access has ended; they have been signed out.",
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def account_second_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    return _reason_page(
        request,
        user_id,
        template="administration/account_second_factor.html",
        act=user_second_factor_reset,
        done="{name}'s authenticator app is withdrawn; they set up a new one at their next "
        "sign-in.",
    )


@signed_in
@require_POST
def account_invitation(request: HttpRequest, user_id: int) -> HttpResponse:
    user = current_user(request)
    account = account_get(user=user, user_id=user_id, action=Action.CHANGE)
    try:
        token = invitation_renew(actor=user, user=account)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("administration:account_detail", user_id=account.pk)
    return _invitation_link(request, account, token)


@signed_in
def access_review_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not permitted(user=user, action=Action.VIEW, resource=Resource.ACCESS_REVIEW):
        raise AccessDenied(Action.VIEW, Resource.ACCESS_REVIEW)
    agencies = reviewable_agencies(user=user)
    viewed(request, object_type="access_review", summary="Viewed the access reviews")
    context = {"agencies": agencies, "quarter": financial_quarter_label(timezone.localdate())}
    return render(request, "administration/access_review_list.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def access_review(request: HttpRequest, agency_id: int) -> HttpResponse:
    user = current_user(request)
    agency = agency_get(user=user, agency_id=agency_id, resource=Resource.ACCESS_REVIEW)
    today = timezone.localdate()
    confirmed = access_review_of(agency=agency, on=today)
    rows = access_review_rows(user=user, agency=agency)
    may_confirm = confirmed is None and permitted(
        user=user, action=Action.CHANGE, resource=Resource.ACCESS_REVIEW
    )
    form = None
    if may_confirm:
        form = AccessReviewForm(request.POST or None, users=[row.user for row in rows])
    if request.method == "POST":
        if form is None:
            raise AccessDenied(Action.CHANGE, Resource.ACCESS_REVIEW, agency.pk)
        if form.is_valid():
            try:
                access_review_confirm(
                    actor=user, agency=agency, keep=form.keep(), note=form.cleaned_data["note"]
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, f"{agency.name}'s access review is confirmed.")
                return redirect("administration:access_review", agency_id=agency.pk)
    viewed(
        request,
        object_type="access_review",
        object_id=agency.pk,
        summary=f"Viewed the access review of {agency.name}",
        changes={"users": [row.user.pk for row in rows]},
    )
    decisions = {}
    if form is not None:
        decisions = dict(zip([row.user.pk for row in rows], form.decision_fields(), strict=True))
    entries = {entry.user_id: entry for entry in confirmed.entries.all()} if confirmed else {}
    context = {
        "agency": agency,
        "rows": [(row, decisions.get(row.user.pk), entries.get(row.user.pk)) for row in rows],
        "confirmed": confirmed,
        "form": form,
        "quarter": financial_quarter_label(today),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "administration/access_review.html", context, status=status)
