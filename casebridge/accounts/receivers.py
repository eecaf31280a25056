"""The sign-in time goes into the session, so its absolute limit is measured from sign-in."""

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from casebridge.accounts.middleware import SIGNED_IN_AT_KEY


@receiver(user_logged_in)
def remember_sign_in_time(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    request.session[SIGNED_IN_AT_KEY] = int(time.time())
