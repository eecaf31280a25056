"""Gatekeeping for views: signed in with a verified second factor, or nothing. Once a page has
been made, what it named as ``viewed`` is written to the audit log (casebridge.audit.reads)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from casebridge.accounts.models import User
from casebridge.audit.reads import make_page_recording_views

View = Callable[..., HttpResponse]


def _verified(request: HttpRequest) -> bool:
    user = request.user
    # django_otp's middleware adds is_verified() to the user.
    return bool(user.is_authenticated and user.is_verified())  # type: ignore[union-attr,attr-defined]


def signed_in(view: View) -> View:
    """HTML views: sign in first (password, then one-time code)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not _verified(request):
            return redirect("accounts:two_factor")
        return make_page_recording_views(request, lambda: view(request, *args, **kwargs))

    return wrapper


def api_view(view: View) -> View:
    """JSON views: read-only, and a 401 (not a redirect to a page) without a verified session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _verified(request):
            return JsonResponse({"detail": "Authentication required"}, status=401)
        if request.method not in ("GET", "HEAD"):
            return JsonResponse({"detail": "Method not allowed"}, status=405)
        return make_page_recording_views(request, lambda: view(request, *args, **kwargs))

    return wrapper


def current_user(request: HttpRequest) -> User:
    """The signed-in user, typed as ours (views behind ``signed_in`` or ``api_view`` only)."""
    user = request.user
    assert isinstance(user, User)
    return user
