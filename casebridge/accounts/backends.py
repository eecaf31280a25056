from typing import Any

from django.contrib.auth.backends import ModelBackend

from casebridge.accounts.models import User


class AccountBackend(ModelBackend):
    """Django's password backend, loading the user's agency, team and role with the user.

    Every request's authorisation needs all three, so one query instead of four.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related("agency", "team", "role")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
