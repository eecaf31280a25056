"""Session rules: absolute and inactivity timeouts, and no page without a second factor."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

LAST_SEEN_KEY = "casebridge_last_seen"
SIGNED_IN_AT_KEY = "casebridge_signed_in_at"

# Paths a signed-in user may reach before completing two-factor sign-in.
# /assets/ is GOV.UK Frontend's fonts and images, which the two-factor page itself needs.
TWO_FACTOR_EXEMPT_PREFIXES = ("/sign-in", "/sign-out", "/static/", "/assets/")


class SessionTimeoutMiddleware:
    """Ends a session SESSION_COOKIE_AGE after sign-in however active (ASVS 7.3.2), or once idle
    for longer than SESSION_IDLE_SECONDS (7.3.1).

    Django's own expiry restarts whenever the session is saved, so it cannot be the absolute limit;
    the sign-in time is kept in the session (``accounts.receivers``) and measured here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            # A session without a sign-in time began before it was recorded: treat it as old.
            signed_in_at = request.session.get(SIGNED_IN_AT_KEY, 0)
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - signed_in_at > settings.SESSION_COOKIE_AGE:
                return _signed_out(request, reason="expired")
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                return _signed_out(request, reason="timed_out")
            # Writing on every request would re-save the session each time; once a minute will do.
            if now - last_seen >= 60 or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def _signed_out(request: HttpRequest, *, reason: str) -> HttpResponse:
    logout(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Authentication required"}, status=401)
    return redirect(f"{reverse('accounts:login')}?{reason}=1")


class RequireTwoFactorMiddleware:
    """A password alone opens nothing: every page needs a verified one-time code (ASVS 6.3.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Authentication required"}, status=401)
            return redirect("accounts:two_factor")
        return self.get_response(request)
