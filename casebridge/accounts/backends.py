from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts import throttle
from casebridge.accounts.models import SingleSignOnIdentity, User
from casebridge.core.prepared import Prepared

# The second factor a request's session was verified with (its persistent id,
# "otp_totp.totpdevice/<id>"), set while the request's user is loaded
# (``accounts.middleware.OTPMiddleware``), so the user and their device come in one query.
session_device: ContextVar[str | None] = ContextVar("session_device", default=None)
# Where the device loaded with the user is left for the OTP middleware.
LOADED_DEVICE = "_casebridge_loaded_device"


def _device_with_user(model: type[Device]) -> Prepared[Device]:
    """Every signed-in request's query, compiled once: the session's device with its user."""
    return Prepared(
        lambda pk, user_id: model.objects.select_related("user__agency", "user__team").filter(
            pk=pk, user_id=user_id
        ),
        fields={"pk": model._meta.pk, "user_id": model._meta.get_field("user")},
        samples={"pk": 1, "user_id": 2},
    )


# By persistent id's prefix: an authenticator app, or an identity provider's multi-factor
# authentication after single sign-on.
_DEVICES_WITH_USER = {
    f"{model._meta.app_label}.{model._meta.model_name}/": _device_with_user(model)
    for model in (TOTPDevice, SingleSignOnIdentity)
}


class AccountBackend(ModelBackend):
    """Django's password backend, throttled, loading the user's agency and team with the user.

    Every authentication goes through here (the sign-in page, and the admin's login, which sends
    people to the sign-in page), so this is where failed passwords are counted: per username and
    client address, and per address (``casebridge.accounts.throttle``), and where passwords are
    refused when they are switched off (CASEBRIDGE_PASSWORD_SIGN_IN: single sign-on only).
    Every request's authorisation needs the agency and team, so one query instead of three
    (their roles are one statement more, ``User.held_roles``).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None or not settings.CASEBRIDGE_PASSWORD_SIGN_IN:
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
        user = self._with_session_device(user_id)
        if user is None:
            user = User._default_manager.select_related("agency", "team").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _with_session_device(user_id: Any) -> User | None:
        """The user loaded through the session's device, if it is theirs: one query where
        the user and then their device took two. The OTP middleware still checks that the
        device is the user's and confirmed, as django-otp does."""
        label, _, device_id = (session_device.get() or "").rpartition("/")
        device_with_user = _DEVICES_WITH_USER.get(f"{label}/")
        if device_with_user is None or not device_id.isdigit():
            return None
        device = device_with_user.first(pk=int(device_id), user_id=user_id)
        if device is None:
            return None
        user: User = device.user  # type: ignore[assignment]
        user.__dict__[LOADED_DEVICE] = device
        return user
