from django.contrib.auth.models import AbstractUser
from django.db import models

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
