import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from casebridge.access.policy import Action, Resource, permitted
from casebridge.audit.reads import viewed
from casebridge.panels.selectors import overdue_actions
from casebridge.pathways.selectors import may_view_cases, my_open_cases
from casebridge.ui.decorators import current_user, signed_in

ASSET_PATH = re.compile(r"^(fonts|images)/[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)+$")


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    cases = list(my_open_cases(user=current_user(request))[:50])
    if cases:
        viewed(
            request,
            object_type="case",
            summary="Viewed their open cases",
            changes={"cases": [str(case.pk) for case in cases]},
        )
    user = current_user(request)
    overdue = list(overdue_actions(user=user)[:20])
    if overdue:
        viewed(
            request,
            object_type="action",
            summary="Viewed their overdue actions",
            changes={"actions": [str(action.pk) for action in overdue]},
        )

    def may(action: str, resource: str) -> bool:
        return permitted(user=user, action=action, resource=resource)

    return render(
        request,
        "web/home.html",
        {
            "cases": cases,
            "overdue_actions": overdue,
            "can_search": may(Action.VIEW, Resource.PERSON),
            "can_create": may(Action.CREATE, Resource.PERSON),
            "can_view_cases": may_view_cases(user=user),
            "can_audit": may(Action.VIEW, Resource.AUDIT),
        },
    )


def govuk_asset(request: HttpRequest, path: str) -> HttpResponse:
    """GOV.UK Frontend's compiled CSS asks for /assets/...; send it to the static copy."""
    if not ASSET_PATH.match(path):
        raise Http404
    return HttpResponsePermanentRedirect(static(f"govuk/assets/{path}"))
