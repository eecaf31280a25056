"""Failed sign-in attempts, counted so that they can never lock out the real user.

Wrong passwords and wrong security codes are counted per username and client address: a
stranger's guesses lock out the stranger, while the user signs in from their usual address. A
second count per address alone, with a higher limit, throttles one address guessing across many
usernames. Past a limit a key is locked, for longer with each further failure (exponential
back-off, capped); an attempt while locked is refused unchecked and does not lengthen the lock.
Signing in forgets that username's failures from that address. The limits are settings
(SIGN_IN_*); docs/security.md says why this and not django-axes.
"""

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from casebridge.accounts.models import SignInThrottle
from casebridge.audit.context import client_address

Step = SignInThrottle.Step
ANY_USERNAME = ""


def throttle_address(request: HttpRequest) -> str:
    """The address a request's attempts are counted against.

    An IPv6 client is counted by its /64, the block one subscriber is given, or it could take a
    fresh address for every guess.
    """
    address = client_address(request) or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def locked_until(*, step: Step, username: str, address: str) -> datetime | None:
    """When attempts at this step for this username from this address are allowed again.

    None if they are allowed now.
    """
    return SignInThrottle.objects.filter(
        Q(username=username[:150]) | Q(username=ANY_USERNAME),
        step=step,
        address=address,
        locked_until__gt=timezone.now(),
    ).aggregate(until=Max("locked_until"))["until"]


@transaction.atomic
def record_failure(*, step: Step, username: str, address: str) -> None:
    """Count a failed attempt against the username from this address, and against the address."""
    now = timezone.now()
    forgotten_after = settings.SIGN_IN_FAILURES_FORGOTTEN_AFTER
    # A key's failures are forgotten after a quiet spell, and no lock outlasts the longest one.
    SignInThrottle.objects.filter(
        last_failure_at__lt=now - forgotten_after - settings.SIGN_IN_LONGEST_LOCK
    ).delete()
    keys = (
        (username[:150], settings.SIGN_IN_FAILURE_LIMIT),
        (ANY_USERNAME, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT),
    )
    for key_username, limit in keys:
        throttle, _ = SignInThrottle.objects.select_for_update().get_or_create(
            step=step, username=key_username, address=address, defaults={"last_failure_at": now}
        )
        # A lock always ends after the failure that set it (attempts while locked aren't counted).
        quiet_since = throttle.locked_until or throttle.last_failure_at
        if now - quiet_since >= forgotten_after:
            throttle.failures, throttle.locked_until = 0, None
        throttle.failures += 1
        throttle.last_failure_at = now
        if throttle.failures >= limit:
            throttle.locked_until = now + _lock_length(throttle.failures - limit)
        throttle.save()


def record_success(*, step: Step, username: str, address: str) -> None:
    """Forget the username's failed attempts from this address (not the address's own count)."""
    SignInThrottle.objects.filter(step=step, username=username[:150], address=address).delete()


def _lock_length(failures_past_limit: int) -> timedelta:
    longest: timedelta = settings.SIGN_IN_LONGEST_LOCK
    first: timedelta = settings.SIGN_IN_FIRST_LOCK
    doublings = min(failures_past_limit, 32)  # 2**32 lock lengths are far past any cap
    return min(first * 2**doublings, longest)
