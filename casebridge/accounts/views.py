"""Sign in (password, then a one-time code from an authenticator app) and sign out."""

import django_otp
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.accounts.forms import CodeForm, SignInForm
from casebridge.accounts.totp import confirmed_device, enrolment_device, qr_svg, secret_text

GENERIC_SIGN_IN_ERROR = "Enter a correct username and password"


def locked_out(
    request: HttpRequest, credentials: dict | None = None, *args: object, **kwargs: object
) -> HttpResponse:
    """Shown instead of the sign-in page once an account has had too many failed attempts."""
    return render(request, "accounts/locked_out.html", status=429)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            login(request, user)  # a new session key: no fixation (ASVS 7.2.4)
            target = reverse("accounts:two_factor")
            next_url = _safe_next(request, form.cleaned_data["next"])
            return redirect(f"{target}?next={next_url}" if next_url else target)
        form.add_error(None, GENERIC_SIGN_IN_ERROR)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "timed_out": request.GET.get("timed_out") == "1"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url or "web:home")
    device = confirmed_device(user=request.user)  # type: ignore[arg-type]
    enrolling = device is None
    if enrolling:
        device = enrolment_device(user=request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        # verify_token refuses a code already used (ASVS 6.5.1) and throttles guessing.
        if device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            request.session.cycle_key()
            return redirect(next_url or "web:home")
        form.add_error("code", "The security code is wrong or has already been used")
    context: dict[str, object] = {"form": form, "enrolling": enrolling}
    if enrolling:
        context |= {"qr_svg": qr_svg(device), "secret": secret_text(device)}
    return render(request, "accounts/two_factor.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
