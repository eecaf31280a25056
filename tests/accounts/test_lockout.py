"""Failed sign-ins lock out the stranger who made them, never the real user elsewhere."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from casebridge.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")
HOME = reverse("web:home")
STRANGER = "203.0.113.66"
USUAL = "198.51.100.7"
# Ten wrong guesses is NCSC's most; fifteen is past any limit a stranger should be allowed.
MANY = 15
START = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def user():
    return UserFactory()


def _password(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _code(user, wrong=False) -> str:
    device = user.totpdevice_set.get()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{(code + 1) % 1_000_000 if wrong else code:06d}"


def test_a_strangers_wrong_passwords_do_not_lock_the_user_out_at_their_usual_address(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(MANY):
        _password(stranger, user.username, password="not the password")

    response = _password(Client(REMOTE_ADDR=USUAL), user.username)

    assert response.status_code == 302 and response["Location"] == TWO_FACTOR


def test_the_stranger_is_locked_out_even_with_the_right_password(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(MANY):
        _password(stranger, user.username, password="not the password")

    response = _password(stranger, user.username)

    assert response.status_code == 429
    assert stranger.get(TWO_FACTOR)["Location"] == LOGIN  # not signed in


def test_the_strangers_wait_doubles_with_each_further_failure(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(10):
            last = _password(stranger, user.username, password="not the password")
        assert last.status_code == 429  # the tenth failure locks for five minutes

        clock.shift(timedelta(minutes=5) - timedelta(seconds=1))
        assert _password(stranger, user.username).status_code == 429
        clock.shift(timedelta(seconds=2))
        # The eleventh failure locks for ten minutes; attempts during the lock change nothing.
        assert _password(stranger, user.username, password="wrong").status_code == 429
        clock.shift(timedelta(minutes=10) - timedelta(seconds=1))
        assert _password(stranger, user.username).status_code == 429
        clock.shift(timedelta(seconds=2))

        assert _password(stranger, user.username)["Location"] == TWO_FACTOR


def test_the_wait_stops_growing_at_an_hour(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(10):
            _password(stranger, user.username, password="not the password")
        for wait in (5, 10, 20, 40, 60, 60):  # minutes, each after the next failure
            clock.shift(timedelta(minutes=wait, seconds=1))
            assert _password(stranger, user.username, password="wrong").status_code == 429
        clock.shift(timedelta(minutes=60, seconds=1))

        assert _password(stranger, user.username)["Location"] == TWO_FACTOR


def test_failures_are_forgotten_after_an_hour_without_one(user):
    client = Client(REMOTE_ADDR=USUAL)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(9):
            _password(client, user.username, password="not the password")
        clock.shift(timedelta(hours=1))
        for _ in range(9):
            _password(client, user.username, password="not the password")

        assert _password(client, user.username)["Location"] == TWO_FACTOR


def test_signing_in_forgets_the_earlier_failures_from_that_address(user):
    client = Client(REMOTE_ADDR=USUAL)
    for _ in range(9):
        _password(client, user.username, password="not the password")
    _password(client, user.username)
    client.post(reverse("accounts:logout"))
    for _ in range(9):
        _password(client, user.username, password="not the password")

    assert _password(client, user.username)["Location"] == TWO_FACTOR


def test_one_address_guessing_across_many_usernames_is_throttled(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    # A few guesses at each of many usernames, never the per-username limit.
    for number in range(200):
        _password(stranger, f"guess{number // 5}", password="not the password")

    assert _password(stranger, user.username).status_code == 429
    assert _password(Client(REMOTE_ADDR=USUAL), user.username)["Location"] == TWO_FACTOR


def test_an_attempt_while_locked_out_is_audited_as_a_failed_sign_in(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(10):
        _password(stranger, user.username, password="not the password")

    _password(stranger, user.username)

    failed = AuditEvent.objects.filter(action="login_failed", actor_username=user.username)
    assert failed.count() == 11
    assert set(failed.values_list("ip_address", flat=True)) == {STRANGER}


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for number in range(MANY):
        stranger.post(
            LOGIN,
            {"username": user.username, "password": "not the password"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )

    response = stranger.post(
        LOGIN, {"username": user.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR=USUAL
    )

    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_clients(user, settings):
    settings.CASEBRIDGE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.1.2.3"
    stranger = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=STRANGER)
    for _ in range(MANY):
        _password(stranger, user.username, password="not the password")

    # The stranger may claim any address, but the proxy adds the one it saw after it.
    claimed = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{USUAL}, {STRANGER}")
    assert _password(claimed, user.username).status_code == 429
    user_client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=USUAL)
    assert _password(user_client, user.username)["Location"] == TWO_FACTOR


def test_a_strangers_wrong_codes_do_not_stop_the_users_right_code(user):
    stranger = Client(REMOTE_ADDR=STRANGER)  # who has learnt the password
    _password(stranger, user.username)
    for _ in range(MANY):
        stranger.post(TWO_FACTOR, {"code": _code(user, wrong=True)})

    real = Client(REMOTE_ADDR=USUAL)
    _password(real, user.username)
    response = real.post(TWO_FACTOR, {"code": _code(user)})

    assert response.status_code == 302 and response["Location"] == HOME


def test_the_stranger_is_stopped_after_too_many_wrong_codes(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    _password(stranger, user.username)
    for _ in range(MANY):
        stranger.post(TWO_FACTOR, {"code": _code(user, wrong=True)})

    response = stranger.post(TWO_FACTOR, {"code": _code(user)})

    assert response.status_code == 429
    assert "Too many wrong security codes" in response.content.decode()
    assert stranger.get(HOME)["Location"] == TWO_FACTOR


def test_the_wait_for_codes_doubles_with_each_further_wrong_code(user):
    stranger = Client(REMOTE_ADDR=STRANGER)
    with time_machine.travel(START, tick=False) as clock:
        _password(stranger, user.username)
        for _ in range(10):
            stranger.post(TWO_FACTOR, {"code": _code(user, wrong=True)})
        clock.shift(timedelta(minutes=5, seconds=1))
        stranger.post(TWO_FACTOR, {"code": _code(user, wrong=True)})
        clock.shift(timedelta(minutes=10) - timedelta(seconds=1))
        assert stranger.post(TWO_FACTOR, {"code": _code(user)}).status_code == 429
        clock.shift(timedelta(seconds=2))

        assert stranger.post(TWO_FACTOR, {"code": _code(user)})["Location"] == HOME
