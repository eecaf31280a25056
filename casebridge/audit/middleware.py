from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from casebridge.audit.context import client_address, client_ip
from casebridge.audit.reads import check_views_recorded


class AuditContextMiddleware:
    """Remembers the client address of the request being served, for audit entries, and checks
    that what the page named as viewed was written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(client_address(request))
        try:
            response = self.get_response(request)
        finally:
            client_ip.reset(token)
        check_views_recorded(request)
        return response
