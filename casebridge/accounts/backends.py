from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from casebridge.accounts import throttle
from casebridge.accounts.models import User


class AccountBackend(ModelBackend):
    """Django's password backend, throttled, loading the user's agency, team and role with the user.

    Every authentication goes through here (the sign-in page, and the admin's login, which sends
    people to the sign-in page), so this is where failed passwords are counted: per username and
    client address, and per address (``casebridge.accounts.throttle``). Every request's
    authorisation needs the agency, team and role, so one query instead of four.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        step = throttle.Step.PASSWORD
        address = throttle.throttle_address(request) if request is not None else ""
        if throttle.locked_until(step=step, username=username, address=address):
            # Refused unchecked; Django reports it as a failed sign-in, which is audited.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(step=step, username=username, address=address)
        else:
            throttle.record_success(step=step, username=username, address=address)
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related("agency", "team", "role")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
