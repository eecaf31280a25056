"""Sign in (a password or single sign-on, then a one-time code from an authenticator app unless
the identity provider vouches for its own multi-factor authentication), sign out, and accept an
invitation (set a password with a one-time link)."""

from datetime import datetime
from urllib.parse import urlencode

import django_otp
import jwt
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.models import Device
from mozilla_django_oidc.views import OIDCAuthenticationRequestView
from requests import RequestException

from casebridge.accounts import throttle
from casebridge.accounts.forms import CodeForm, SetPasswordForm, SignInForm
from casebridge.accounts.invitations import INVALID_LINK, invitation_accept, invitation_open
from casebridge.accounts.oidc import NEXT_PAGE, STARTED_SIGN_INS, ProviderClient
from casebridge.accounts.single_sign_on import (
    REFUSED_MESSAGE,
    SignOnRefused,
    provider_vouches_for_mfa,
    refusal_record,
    single_sign_on_enabled,
)
from casebridge.accounts.totp import confirmed_device, enrolment_device, qr_svg, secret_text
from casebridge.core.errors import ApplicationError

GENERIC_SIGN_IN_ERROR = "Enter a correct username and password"
WRONG_CODE_ERROR = "The security code is wrong or has already been used"
# The session is loaded by the password backend's get_user whichever way the user signed in: it
# refuses an account made inactive since (casebridge.accounts.oidc says why).
ACCOUNT_BACKEND = "casebridge.accounts.backends.AccountBackend"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url}, safe='/')}" if next_url else url


def _locked_out(request: HttpRequest, until: datetime) -> HttpResponse:
    return render(request, "accounts/locked_out.html", {"until": until}, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """The sign-in page: single sign-on where configured, and the password form unless passwords
    are switched off (CASEBRIDGE_PASSWORD_SIGN_IN), when a post signs nobody in."""
    passwords = settings.CASEBRIDGE_PASSWORD_SIGN_IN
    next_url = request.GET.get("next", "")
    form = SignInForm(request.POST or None, initial={"next": next_url})
    if passwords and request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(
            request=request, username=username, password=form.cleaned_data["password"]
        )
        if user is not None:
            login(request, user)  # a new session key: no fixation (ASVS 7.2.4)
            next_url = _safe_next(request, form.cleaned_data["next"])
            return redirect(_with_next(reverse("accounts:two_factor"), next_url))
        until = throttle.locked_until(
            step=throttle.Step.PASSWORD,
            username=username,
            address=throttle.throttle_address(request),
        )
        if until:
            return _locked_out(request, until)
        form.add_error(None, GENERIC_SIGN_IN_ERROR)
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form if passwords else None,
            "single_sign_on": single_sign_on_enabled(),
            "provider_name": settings.CASEBRIDGE_OIDC_PROVIDER_NAME,
            "single_sign_on_url": _with_next(reverse("accounts:sso_start"), next_url),
            "single_sign_on_refused": REFUSED_MESSAGE if request.GET.get("refused") else "",
            "timed_out": request.GET.get("timed_out") == "1",
            "expired": request.GET.get("expired") == "1",
            "invited": request.GET.get("invited") == "1",
        },
    )


_to_provider = OIDCAuthenticationRequestView.as_view()


@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Off to the identity provider, with a state, a nonce and a PKCE challenge kept in the
    session (mozilla-django-oidc)."""
    if not single_sign_on_enabled():
        raise Http404
    return _to_provider(request)


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: signs in the account bound to (or first matched by) the provider's
    account, with the provider's multi-factor authentication as the second factor when its ID
    token says it was used, and the code from the authenticator app otherwise."""
    if not single_sign_on_enabled():
        raise Http404
    started = request.session.get(STARTED_SIGN_INS)
    started = started if isinstance(started, dict) else {}
    # Each sign-in's state answers once: taken from the session whatever happens next.
    sign_in_started = started.pop(request.GET.get("state", ""), None)
    request.session[STARTED_SIGN_INS] = started
    next_url = _safe_next(request, request.session.pop(NEXT_PAGE, None))
    if request.GET.get("error"):  # cancelled or refused at the provider: no account was tried
        return _refused()
    client = ProviderClient()
    try:
        if sign_in_started is None:
            raise SignOnRefused("the provider answered a sign-in this browser did not start")
        identity = client.identity_answering(
            request,
            nonce=sign_in_started.get("nonce") or "",
            code_verifier=sign_in_started.get("code_verifier"),
        )
    except (SuspiciousOperation, jwt.PyJWTError, RequestException) as error:
        refusal_record(refusal=SignOnRefused(f"the provider's answer failed a check: {error}"))
        return _refused()
    except SignOnRefused as refusal:
        refusal_record(refusal=refusal)
        return _refused()
    user = identity.user
    vouched = provider_vouches_for_mfa(id_token_claims=client.id_token_claims)
    if vouched:
        user.otp_device = identity  # type: ignore[union-attr]  # django-otp keeps it at login
    login(request, user, backend=ACCOUNT_BACKEND)  # type: ignore[arg-type]
    if vouched:
        return redirect(next_url or "web:home")
    return redirect(_with_next(reverse("accounts:two_factor"), next_url))


def _refused() -> HttpResponse:
    """Back to the sign-in page, which says only to ask an administrator (the audit says why)."""
    return redirect(f"{reverse('accounts:login')}?refused=1")


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if not request.user.is_authenticated:
        return redirect(_with_next(reverse("accounts:login"), next_url))
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url or "web:home")
    device = confirmed_device(user=request.user)  # type: ignore[arg-type]
    enrolling = device is None
    if enrolling:
        device = enrolment_device(user=request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None, initial={"next": next_url})
    status = 200
    if request.method == "POST" and form.is_valid():
        accepted, until = _check_code(request, device, form.cleaned_data["code"])
        if accepted:
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            request.session.cycle_key()
            return redirect(next_url or "web:home")
        if until is None:
            form.add_error("code", WRONG_CODE_ERROR)
        else:
            again = timezone.localtime(until)
            form.add_error("code", f"Too many wrong security codes. Try again after {again:%H:%M}")
            status = 429
    context: dict[str, object] = {"form": form, "enrolling": enrolling}
    if enrolling:
        context |= {"qr_svg": qr_svg(device), "secret": secret_text(device)}
    return render(request, "accounts/two_factor.html", context, status=status)


def _check_code(request: HttpRequest, device: Device, code: str) -> tuple[bool, datetime | None]:
    """Whether the code is right, and until when this user's codes from this address are locked.

    verify_token refuses a code already used (ASVS 6.5.1). Guessing is throttled per user and
    address, not per device (django-otp's throttle is off), so a stranger's wrong codes can't
    stop the user's right one.
    """
    step, address = throttle.Step.CODE, throttle.throttle_address(request)
    username = request.user.get_username()
    until = throttle.locked_until(step=step, username=username, address=address)
    if until is not None:
        return False, until
    if device.verify_token(code):
        throttle.record_success(step=step, username=username, address=address)
        return True, None
    throttle.record_failure(step=step, username=username, address=address)
    return False, throttle.locked_until(step=step, username=username, address=address)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


# The invitation whose link this browser followed: the token itself stays out of the page's
# address (and so out of any Referer), as Django's password reset does.
INVITATION_SESSION_KEY = "casebridge_invitation"


@require_http_methods(["GET", "HEAD"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = invitation_open(token=token)
    if found is None:
        return render(request, "accounts/invitation.html", {"invalid": INVALID_LINK}, status=404)
    logout(request)  # whoever was signed in on this browser is not the invitee
    request.session[INVITATION_SESSION_KEY] = found.pk
    return redirect("accounts:invitation_accept")


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept_view(request: HttpRequest) -> HttpResponse:
    found = invitation_open(invitation_id=request.session.get(INVITATION_SESSION_KEY))
    if found is None:
        return render(request, "accounts/invitation.html", {"invalid": INVALID_LINK}, status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(invitation_id=found.pk, password=form.cleaned_data["password"])
        except ApplicationError as error:
            form.add_error("password" if error.field == "password" else None, error.message)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            return redirect(f"{reverse('accounts:login')}?invited=1")
    context = {"form": form, "username": found.user.username}
    return render(request, "accounts/invitation.html", context, status=400 if form.errors else 200)
