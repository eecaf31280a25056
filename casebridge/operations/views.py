from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from casebridge.operations.health import ready


@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The process answers."""
    return JsonResponse({"status": "ok"})


@require_safe
def readiness(request: HttpRequest) -> JsonResponse:
    """The process can serve: 200 when it can, 503 when not; nothing else is said."""
    if ready():
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "unavailable"}, status=503)
