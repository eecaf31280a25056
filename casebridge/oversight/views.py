"""The audit log and break-glass register, for information governance. Read-only: there is no
view that edits an entry, and the database refuses UPDATE and DELETE on the table anyway."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casebridge.access.services import break_glass_review
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.oversight.forms import AuditSearchForm, BreakGlassReviewForm
from casebridge.oversight.selectors import (
    AuditFilters,
    audit_search,
    break_glass_get,
    break_glass_pending,
)
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error

PAGE_SIZE = 50


@signed_in
def search(request: HttpRequest) -> HttpResponse:
    """GET, so a page of results can be linked and paged; it carries no personal data."""
    user = current_user(request)
    params = request.GET.copy()
    params.pop("page", None)
    form = AuditSearchForm(params if params else None)
    filters = form.filters() if form.is_valid() else AuditFilters()
    page = Paginator(audit_search(user=user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        actor=user,
        action="search",
        object_type="audit",
        summary="Searched the audit log",
        changes={key: value for key, value in vars(filters).items() if value},
    )
    query = f"&{params.urlencode()}" if params else ""
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query})


def _render_break_glass(
    request: HttpRequest, form: BreakGlassReviewForm | None = None, failed: int | None = None
) -> HttpResponse:
    pending = list(break_glass_pending(user=current_user(request)))
    context = {"pending": pending, "form": form, "failed": failed}
    return render(request, "audit/break_glass.html", context, status=400 if form else 200)


@signed_in
def break_glass(request: HttpRequest) -> HttpResponse:
    return _render_break_glass(request)


@signed_in
@require_POST
def break_glass_review_view(request: HttpRequest, access_id: int) -> HttpResponse:
    user = current_user(request)
    access = break_glass_get(user=user, access_id=access_id)
    form = BreakGlassReviewForm(request.POST, auto_id=f"%s-{access.pk}")
    if form.is_valid():
        try:
            break_glass_review(actor=user, access=access, note=form.cleaned_data["note"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("audit:break_glass")
    return _render_break_glass(request, form, failed=access.pk)
