"""The Victim Coordinator's pages. Who may see which referral is decided by the selectors."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casebridge.audit.reads import viewed
from casebridge.ui.decorators import current_user, signed_in
from casebridge.victims.selectors import victim_referral_list, victim_referral_rows

PAGE_SIZE = 50


@signed_in
def referral_index(request: HttpRequest) -> HttpResponse:
    """Victim Coordinator referrals: where each came from, its state, and onward referrals."""
    user = current_user(request)
    page = Paginator(victim_referral_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = victim_referral_rows(cases=page.object_list)
    if rows:
        viewed(
            request,
            object_type="case",
            summary="Viewed Victim Coordinator referrals",
            changes={"cases": [str(row.case.pk) for row in rows]},
        )
    return render(request, "victims/referral_list.html", {"page": page, "rows": rows})
