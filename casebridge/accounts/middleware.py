"""Session rules: absolute and inactivity timeouts, and no page without a second factor."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from casebridge.accounts.backends import LOADED_DEVICE, session_device

LAST_SEEN_KEY = "casebridge_last_seen"
SIGNED_IN_AT_KEY = "casebridge_signed_in_at"

# Paths a signed-in user may reach before completing two-factor sign-in.
# /assets/ is GOV.UK Frontend's fonts and images, which the two-factor page itself needs.
TWO_FACTOR_EXEMPT_PREFIXES = ("/sign-in", "/sign-out", "/static/", "/assets/")


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware (``request.user.otp_device``, ``is_verified()``), with the
    session's device loaded in the same query as the user (``AccountBackend.get_user``).

    The user is loaded as the request arrives, not when first asked for: every request asks
    (the session rules below), and the lazy proxies Django and django-otp put around it (one
    inside the other) cost two method calls at each of the hundreds of times a page reads
    ``request.user`` or an attribute of it (about a millisecond of CPU a page)."""

    def __call__(self, request: HttpRequest) -> Any:
        if self._is_async:
            return self.__acall__(request)
        user = getattr(request, "user", None)
        self._install_lazy_accessors(request)  # request.auser, as django-otp wraps it
        if user is not None:
            request.user = self._verify_user_sync(request, user)
        return self.get_response(request)

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        token = session_device.set(persistent_id)
        try:
            user = _unwrapped(user)  # loads the user, and with them the session's device
        finally:
            session_device.reset(token)
        self._init_user_fields(user)
        if user.is_authenticated and persistent_id:
            device = getattr(user, LOADED_DEVICE, None)
            if device is None:  # not loaded with the user: the query django-otp makes
                device = self._device_from_persistent_id(persistent_id)
            user.otp_device = self._finalize_device(request, user, device)
        return user


def _unwrapped(user: Any) -> Any:
    """The user itself, out of the lazy proxy ``AuthenticationMiddleware`` leaves."""
    if not isinstance(user, LazyObject):
        return user
    lazy: Any = user  # its attributes are the proxy's own, which the stubs don't name
    if lazy._wrapped is empty:
        lazy._setup()
    return lazy._wrapped


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
