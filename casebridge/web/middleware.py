from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

from casebridge.access.policy import AccessDenied
from casebridge.audit.services import audit_record

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """Pages shown to a signed-in user must not be kept by browsers or proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


def not_found_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found"}, status=404)
    return render(request, "404.html", status=404)


class AccessDeniedMiddleware:
    """The one place where ``AccessDenied`` becomes a 404 page, with an audit entry.

    A 404 rather than a 403, so guessing ids tells nobody whether a record exists.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AccessDenied):
            return None
        user = request.user if request.user.is_authenticated else None
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="denied",
            object_type=exception.object_type[:40],
            object_id=exception.object_id[:64],
            summary=f"Refused: {exception} ({request.method} {request.path})"[:300],
        )
        return not_found_response(request)
