"""Who a single sign-on is: the provider's claims matched to an account an administrator made.

Nobody gets an account from a claim. At a first sign-in the provider must vouch for the e-mail
address (its verified-e-mail claim) and exactly one account must have it; that account, if
active, is then bound to the provider's subject (``SingleSignOnIdentity``), which alone decides
every later sign-in. The provider's multi-factor authentication stands for the second factor only
when its ID token says it was used (``amr`` or ``acr``, as configured); otherwise the user gives a
code from their authenticator app as after a password. Every refusal is audited with its reason.
See ADR 0013.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from casebridge.accounts.models import SingleSignOnIdentity, User
from casebridge.audit.services import audit_record

# Said to whoever was refused; the audit says why. An account's existence is not disclosed.
REFUSED_MESSAGE = (
    "Casebridge could not sign you in with that account. If you should have access, ask your "
    "agency's Casebridge administrator."
)


class SignOnRefused(Exception):
    """A single sign-on that signs nobody in, and why (for the audit, never for the page)."""

    def __init__(self, reason: str, *, provider_account: str = "", user: User | None = None):
        super().__init__(reason)
        self.reason = reason
        self.provider_account = provider_account
        self.user = user


def single_sign_on_enabled() -> bool:
    return bool(settings.CASEBRIDGE_OIDC_ISSUER)


def provider_vouches_for_mfa(*, id_token_claims: Mapping[str, Any]) -> bool:
    """Whether the signed ID token says the provider used multi-factor authentication.

    Its ``amr`` (RFC 8176 method names) holds one that is configured as multi-factor, or its
    ``acr`` is a level configured as multi-factor. Only the ID token counts: it is signed.
    """
    methods = id_token_claims.get("amr") or []
    if isinstance(methods, str):
        methods = [methods]
    if set(methods) & set(settings.CASEBRIDGE_OIDC_MFA_AMR):
        return True
    return id_token_claims.get("acr") in settings.CASEBRIDGE_OIDC_MFA_ACR


@transaction.atomic
def identity_signing_in(
    *, issuer: str, subject: str, email: str, email_verified: bool
) -> SingleSignOnIdentity:
    """The bound identity this provider account signs in as, binding it at its first sign-in.

    Raises:
        SignOnRefused: no account, or more than one, has the address; the provider does not
            vouch for it; the account is inactive; or the account is already bound to another
            account at this provider.
    """
    account = email or f"subject {subject}"
    identity = (
        SingleSignOnIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        _require_active(identity.user, provider_account=account)  # type: ignore[arg-type]
        return identity
    if not email or not email_verified:
        raise SignOnRefused(
            "the provider did not say the e-mail address is verified, and this provider account "
            "is bound to no Casebridge account",
            provider_account=account,
        )
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if not matches:
        raise SignOnRefused("no Casebridge account has this e-mail address", provider_account=email)
    if len(matches) > 1:
        raise SignOnRefused(
            "more than one Casebridge account has this e-mail address", provider_account=email
        )
    user = matches[0]
    _require_active(user, provider_account=email)
    if SingleSignOnIdentity.objects.filter(user=user, issuer=issuer).exists():
        raise SignOnRefused(
            f"{user.username} is already bound to another account at this provider",
            provider_account=email,
            user=user,
        )
    identity = SingleSignOnIdentity.objects.create(
        user=user, name="Single sign-on", issuer=issuer, subject=subject, confirmed=True
    )
    audit_record(
        actor=user,
        action="create",
        object_type="user",
        object_id=user.pk,
        summary=f"Bound {user.username} to their account at {issuer} at their first single "
        "sign-on, matched by the e-mail address the provider verified",
        changes={"single_sign_on": [None, {"issuer": issuer, "subject": subject}]},
    )
    return identity


def refusal_record(*, refusal: SignOnRefused) -> None:
    """Audit a refused single sign-on, as a failed sign-in with its reason."""
    user = refusal.user
    audit_record(
        actor=None,
        actor_username=(user.username if user else refusal.provider_account)[:150],
        action="login_failed",
        object_type="user",
        object_id=user.pk if user else "",
        summary=f"Single sign-on refused: {refusal.reason}",
    )


def _require_active(user: User, *, provider_account: str) -> None:
    if not user.is_active:
        raise SignOnRefused(
            f"{user.username}'s account is not active", provider_account=provider_account, user=user
        )
