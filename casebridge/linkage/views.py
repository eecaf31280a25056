"""Identity review, for analysts: the queue of pairs that may be one person, each pair's
evidence and decision, the history of merges (and undoing one), and the model in use.

Every page is audited; every change goes through the services. Anyone else gets a 404.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.accounts.models import User
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.jobs.selectors import run_latest
from casebridge.linkage.calibration import model_calibration
from casebridge.linkage.forms import BandConfirmForm, BandForm, RejectForm, UndoForm
from casebridge.linkage.queueing import ABOUT as TRAINING_RUNS
from casebridge.linkage.queueing import model_train_enqueue
from casebridge.linkage.selectors import (
    linkage_model_current,
    linkage_models_previous,
    may_review_identities,
    merge_get,
    merge_history,
    merge_rows,
    pair_evidence,
    precision_label,
    queue_rows,
    review_band,
    review_get,
    review_queue,
    review_sources,
)
from casebridge.linkage.services import (
    BAND_LIMIT,
    band_estimate,
    match_confirm,
    match_confirm_band,
    match_reject,
    merge_undo,
)
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error

PAGE_SIZE = 25


def _require_reviewer(user: User) -> None:
    # Before the form is read: a page that says what was wrong with it would say it exists.
    if not may_review_identities(user=user):
        raise AccessDenied(Action.VIEW, Resource.IDENTITY)


@signed_in
def review_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    source = request.GET.get("source", "").strip() or None
    queue = review_queue(user=user, source=source)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queue_rows(pairs=list(page.object_list))
    viewed(
        request,
        object_type="identity",
        summary=f"Viewed the identity review queue: {len(rows)} pairs",
        changes={
            "page": page.number,
            "source": source,
            "reviews": [str(row.review.pk) for row in rows],
        },
    )
    context = {
        "page": page,
        "rows": rows,
        "source": source,
        "sources": review_sources(user=user),
        "band_form": BandForm(initial={"source": source}),
    }
    return render(request, "linkage/review_list.html", context)


@signed_in
def review_band_view(request: HttpRequest) -> HttpResponse:
    """A band of match weights the analyst chose: its estimated precision and its pairs (the
    first ``BAND_LIMIT``), with a button to confirm them."""
    user = current_user(request)
    _require_reviewer(user)
    form = BandForm(request.GET)
    context: dict[str, Any] = {"form": form, "limit": BAND_LIMIT}
    if form.is_valid():
        lower, upper = form.cleaned_data["lower"], form.cleaned_data["upper"]
        source = form.cleaned_data["source"] or None
        pairs = review_band(user=user, lower=lower, upper=upper, source=source)
        rows = queue_rows(pairs=pairs[:BAND_LIMIT])
        try:
            estimate = band_estimate(actor=user, lower=lower, upper=upper)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            context.update(
                estimate=estimate,
                precision=precision_label(estimate.expected_precision),
                observed=precision_label(estimate.observed_precision or 0),
                expected_wrong=len(rows) * (1 - estimate.expected_precision),
            )
        context.update(rows=rows, total=len(pairs), lower=lower, upper=upper, source=source)
        viewed(
            request,
            object_type="identity",
            summary=f"Viewed {len(rows)} pairs with match weight {lower:g} to {upper:g}",
            changes={"source": source, "reviews": [str(row.review.pk) for row in rows]},
        )
    status = 400 if form.errors else 200
    return render(request, "linkage/review_band.html", context, status=status)


@signed_in
@require_POST
def review_band_confirm(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _require_reviewer(user)
    form = BandConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the band again: the pairs to confirm were not clear.")
        return redirect("linkage:review_list")
    try:
        outcome = match_confirm_band(
            actor=user,
            lower=form.cleaned_data["lower"],
            upper=form.cleaned_data["upper"],
            review_ids=form.cleaned_data["reviews"],
            source=form.cleaned_data["source"] or None,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("linkage:review_list")
    confirmed = len(outcome.confirmed)
    messages.success(request, f"{confirmed} pair{pluralize(confirmed)} confirmed as one person.")
    if outcome.refused:
        reasons = "; ".join(sorted({message for _, message in outcome.refused}))
        messages.error(request, f"{len(outcome.refused)} left in the queue, not merged: {reasons}")
    return redirect("linkage:review_list")


def _render_review(
    request: HttpRequest, review_id: UUID, form: RejectForm | None = None
) -> HttpResponse:
    user = current_user(request)
    row = review_get(user=user, review_id=review_id)
    review = row.review
    viewed(
        request,
        object_type="match_review",
        object_id=review.pk,
        summary="Viewed a pair of records that may be one person",
        changes={"people": [str(review.incoming_id), str(review.existing_id)]},
    )
    evidence = pair_evidence(
        match_weight=review.match_weight,
        probability=review.match_probability,
        evidence=review.evidence,
    )
    context = {"row": row, "evidence": evidence, "form": form or RejectForm()}
    return render(request, "linkage/review_detail.html", context, status=400 if form else 200)


@signed_in
def review_detail(request: HttpRequest, review_id: UUID) -> HttpResponse:
    return _render_review(request, review_id)


@signed_in
@require_POST
def review_confirm(request: HttpRequest, review_id: UUID) -> HttpResponse:
    user = current_user(request)
    review = review_get(user=user, review_id=review_id).review
    try:
        match_confirm(actor=user, review=review)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The two records are now one person.")
    return redirect("linkage:review_list")


@signed_in
@require_POST
def review_reject(request: HttpRequest, review_id: UUID) -> HttpResponse:
    user = current_user(request)
    review = review_get(user=user, review_id=review_id).review
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            match_reject(actor=user, review=review, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "Recorded as different people. They will not be paired again."
            )
        return redirect("linkage:review_list")
    return _render_review(request, review_id, form)


def _render_merges(
    request: HttpRequest, form: UndoForm | None = None, failed: UUID | None = None
) -> HttpResponse:
    user = current_user(request)
    page = Paginator(merge_history(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = merge_rows(merges=list(page.object_list))
    viewed(
        request,
        object_type="identity",
        summary=f"Viewed the merge history: {len(rows)} merges",
        changes={"page": page.number, "merges": [str(row.merge.pk) for row in rows]},
    )
    context = {"page": page, "rows": rows, "form": form, "failed": failed}
    return render(request, "linkage/merge_list.html", context, status=400 if form else 200)


@signed_in
def merge_list(request: HttpRequest) -> HttpResponse:
    return _render_merges(request)


@signed_in
@require_POST
def merge_undo_view(request: HttpRequest, merge_id: UUID) -> HttpResponse:
    user = current_user(request)
    merge = merge_get(user=user, merge_id=merge_id)
    form = UndoForm(request.POST, auto_id=f"%s-{merge.pk}")
    if form.is_valid():
        try:
            merge_undo(actor=user, merge=merge, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "The merge is undone: they are separate records again.")
            return redirect("linkage:merge_list")
    return _render_merges(request, form, failed=merge.pk)


@signed_in
def model_detail(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    model = linkage_model_current(user=user)
    viewed(
        request,
        object_type="linkage_model",
        object_id=model.pk if model else "",
        summary="Viewed the linkage model",
    )
    previous = list(linkage_models_previous(user=user)[:10])
    calibration = model_calibration(model=model) if model else None
    context = {
        "model": model,
        "previous": previous,
        "calibration": calibration,
        # The user's latest request to train, while it waits or runs, or if it failed.
        "run": run_latest(user=user, about=TRAINING_RUNS),
    }
    return render(request, "linkage/model_detail.html", context)


@signed_in
@require_POST
def model_train(request: HttpRequest) -> HttpResponse:
    model_train_enqueue(actor=current_user(request))
    return redirect("linkage:model")
