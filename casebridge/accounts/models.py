from django.contrib.auth.models import AbstractUser
from django.db import models
from django_otp.models import Device

from casebridge.agencies.models import Agency, Role, Team


class User(AbstractUser):
    """A person who signs in. Their agency, team and role decide what they may see."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )

    # The only fields a user may change about themselves; never their role, team or agency.
    SELF_EDITABLE_FIELDS = ("first_name", "last_name", "email")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


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


class SingleSignOnIdentity(Device):
    """A user's account at the organisation's identity provider, bound to their Casebridge account.

    Bound at the first single sign-on, when the provider vouches for an e-mail address that one
    active account has (accounts made by an administrator: none is ever made from a claim), and
    used alone afterwards: the provider's subject, which never changes, rather than an address,
    which can. A django-otp device, so that a sign-in the provider says used multi-factor
    authentication counts as the second factor (the session records this identity as its
    device); it checks no code itself. See ``casebridge.accounts.single_sign_on``.
    """

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    bound_at = models.DateTimeField(auto_now_add=True)

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
