"""The OpenID Connect client: mozilla-django-oidc's code exchange and ID token checks, and ours.

mozilla-django-oidc sends the browser to the provider with a state, a nonce and a PKCE challenge
(its ``OIDCAuthenticationRequestView``), exchanges the code for tokens, checks the ID token's
signature against the provider's published keys and its nonce, and fetches the user-info. Here
the ID token is also checked to come from the configured issuer for this client (the library
checks neither), and the claims are handed to ``single_sign_on`` to find the account.

``ProviderClient`` is not an authentication backend (it is not in AUTHENTICATION_BACKENDS): no
password form's post can reach the code exchange, and a signed-in session is loaded by
``AccountBackend`` like any other, which refuses an account made inactive since.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from casebridge.accounts.models import SingleSignOnIdentity
from casebridge.accounts.single_sign_on import SignOnRefused, identity_signing_in

# mozilla-django-oidc's session keys: the sign-ins started (state -> nonce and PKCE verifier),
# and where to go after.
STARTED_SIGN_INS = "oidc_states"
NEXT_PAGE = "oidc_login_next"
# The settings a provider needs, by the environment variable each comes from
# (docs/configuration.md#single-sign-on).
PROVIDER_SETTINGS = {
    "CASEBRIDGE_OIDC_CLIENT_ID": "OIDC_RP_CLIENT_ID",
    "CASEBRIDGE_OIDC_CLIENT_SECRET": "OIDC_RP_CLIENT_SECRET",  # nosec B105  # a setting's name, not its value
    "CASEBRIDGE_OIDC_AUTHORIZATION_ENDPOINT": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "CASEBRIDGE_OIDC_TOKEN_ENDPOINT": "OIDC_OP_TOKEN_ENDPOINT",  # nosec B105  # a setting's name, not its value
    "CASEBRIDGE_OIDC_USERINFO_ENDPOINT": "OIDC_OP_USER_ENDPOINT",
    "CASEBRIDGE_OIDC_JWKS_URI": "OIDC_OP_JWKS_ENDPOINT",
}


class ProviderClient(OIDCAuthenticationBackend):
    """One single sign-on's answer from the provider, checked, as the identity it signs in."""

    id_token_claims: Mapping[str, Any]

    def identity_answering(
        self, request: HttpRequest, *, nonce: str, code_verifier: str | None
    ) -> SingleSignOnIdentity:
        """The identity the provider's answer (the request's code) signs in.

        Raises:
            SignOnRefused: when no account may sign in with it.
            SuspiciousOperation, jwt.PyJWTError, requests.RequestException: when the answer
                fails the library's checks or the provider cannot be reached.
        """
        if not nonce:
            raise SignOnRefused("the sign-in was started without a nonce")
        identity = self.authenticate(request, nonce=nonce, code_verifier=code_verifier)
        if identity is None:
            raise SignOnRefused("the provider's answer had no code")
        return identity  # type: ignore[no-any-return]

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> SingleSignOnIdentity:
        """The library's last step, given the ID token's verified claims: never creates a user."""
        _check_issued_for_us(payload)
        self.id_token_claims = payload
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            raise SignOnRefused("the user-info was about another subject than the ID token")
        claims = {**userinfo, **payload}  # the signed ID token's claims where both have one
        verified = claims.get(settings.CASEBRIDGE_OIDC_EMAIL_VERIFIED_CLAIM) in (True, "true")
        return identity_signing_in(
            issuer=settings.CASEBRIDGE_OIDC_ISSUER,
            subject=str(payload["sub"]),
            email=str(claims.get("email") or "").strip(),
            email_verified=verified,
        )


def _check_issued_for_us(claims: Mapping[str, Any]) -> None:
    """The ID token comes from the configured issuer, for this client (OpenID Connect Core
    3.1.3.7); the library has checked its signature, its nonce and that it has not expired."""
    client_id = settings.OIDC_RP_CLIENT_ID
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
    if claims.get("iss") != settings.CASEBRIDGE_OIDC_ISSUER:
        raise SignOnRefused(f"the ID token was issued by {claims.get('iss')!r}")
    if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
        raise SignOnRefused("the ID token was issued for another client")
    if not claims.get("sub") or "exp" not in claims:
        raise SignOnRefused("the ID token has no subject or no expiry")


def check_configuration() -> None:
    """Refuse to start with single sign-on half configured, or with no way to sign in at all."""
    if settings.CASEBRIDGE_OIDC_ISSUER:
        missing = [
            variable for variable, name in PROVIDER_SETTINGS.items() if not getattr(settings, name)
        ]
        if missing:
            raise ImproperlyConfigured(
                "Single sign-on is on (CASEBRIDGE_OIDC_ISSUER) but these are not set: "
                + ", ".join(missing)
                + " (see docs/configuration.md#single-sign-on)."
            )
    elif not settings.CASEBRIDGE_PASSWORD_SIGN_IN:
        raise ImproperlyConfigured(
            "CASEBRIDGE_PASSWORD_SIGN_IN is off and single sign-on is not configured "
            "(CASEBRIDGE_OIDC_ISSUER): nobody could sign in."
        )
