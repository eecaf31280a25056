import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.signals import m2m_changed
from django.utils.functional import cached_property
from django_otp.models import Device

from casebridge.agencies.models import Agency, Role, Team
from casebridge.core.prepared import Prepared


# The type checker cannot see SingleSignOnIdentity as a model (django-otp is untyped), so not
# the reverse accessor its inherited foreign key gives users either.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who signs in. Their agency, team and roles decide what they may see: each role's
    rules in their kind of agency, together."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    roles = models.ManyToManyField(Role, related_name="users", blank=True)

    # The only fields a user may change about themselves; never their roles, team or agency.
    SELF_EDITABLE_FIELDS = ("first_name", "last_name", "email")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def held_roles(self) -> dict[int, str]:
        """The roles they hold, id to code, loaded once for the object (every request's rules
        read them): one statement compiled once per process."""
        if self.pk is None:
            return {}
        return {role_id: code for role_id, code in sorted(_HELD_ROLES.rows(user_id=self.pk))}

    @property
    def role_ids(self) -> frozenset[int]:
        return frozenset(self.held_roles)

    @property
    def role_codes(self) -> frozenset[str]:
        return frozenset(self.held_roles.values())

    def forget_roles(self) -> None:
        """Read the roles again at the next ask (they were changed through this object)."""
        self.__dict__.pop("held_roles", None)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self.forget_roles()


UserRole = User.roles.through

_HELD_ROLES = Prepared(
    lambda user_id: UserRole.objects.filter(user_id=user_id).values_list("role_id", "role__code"),
    fields={"user_id": UserRole._meta.get_field("user")},
    samples={"user_id": 1},
)


def _roles_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, User):
        instance.forget_roles()


m2m_changed.connect(_roles_changed, sender=UserRole, dispatch_uid="accounts-roles-changed")


class SignInThrottle(models.Model):
    """Failed sign-in attempts at one step, from one client address, for one username or for any.

    Keyed on username and address together so that a stranger's guesses lock out only the
    stranger; the row for any username (``username`` blank) throttles one address guessing across
    many. See ``casebridge.accounts.throttle``.
    """

    class Step(models.TextChoices):
        PASSWORD = "password", "Password"
        CODE = "code", "Security code"

    step = models.CharField(max_length=10, choices=Step.choices)
    username = models.CharField(max_length=150, blank=True)
    address = models.CharField(max_length=50, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["step", "username", "address"], name="sign_in_throttle_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.username or '(any username)'} from {self.address}"


def token_digest(token: str) -> str:
    """How an invitation's token is kept: its SHA-256 (the token is 256 random bits, so a
    plain hash is enough; a stolen table holds no usable link)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A one-time link for a new user to set their password; their second factor they enrol
    themselves at their first sign-in. Only its token's digest is kept; it expires after
    ``CASEBRIDGE_INVITATION_DAYS`` and is used at most once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation of {self.user} made {self.created_at:%Y-%m-%d %H:%M}"


class SingleSignOnIdentity(Device):
    """A user's account at the organisation's identity provider, bound to their Casebridge account.

    Bound at the first single sign-on, when the provider vouches for an e-mail address that one
    active account has (accounts made by an administrator: none is ever made from a claim), and
    used alone afterwards: the provider's subject, which never changes, rather than an address,
    which can. A django-otp device, so that a sign-in the provider says used multi-factor
    authentication counts as the second factor (the session records this identity as its
    device); it checks no code itself. See ``casebridge.accounts.single_sign_on``.
    """

    # Annotated: django-otp is untyped, so the type checker does not see a model here.
    issuer: "models.CharField[str, str]" = models.CharField(max_length=255)
    subject: "models.CharField[str, str]" = models.CharField(max_length=255)
    bound_at: "models.DateTimeField[datetime, datetime]" = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="single_sign_on_identity_unique_subject"
            ),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="single_sign_on_identity_one_per_provider"
            ),
        ]

    def verify_token(self, token: str) -> bool:
        return False  # vouched for by the provider at sign-in, never by a typed code
