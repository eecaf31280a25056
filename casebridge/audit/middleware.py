from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from casebridge.audit.context import client_address, client_ip


class AuditContextMiddleware:
    """Remembers the client address of the request being served, for audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
