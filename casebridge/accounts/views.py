from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, credentials: dict | None = None, *args: object, **kwargs: object
) -> HttpResponse:
    """Shown instead of the sign-in page once an account has had too many failed attempts."""
    return render(request, "accounts/locked_out.html", status=429)
