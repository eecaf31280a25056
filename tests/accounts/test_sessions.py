"""A session ends a fixed time after sign-in however busy it is, and sooner if left idle."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from casebridge.accounts.middleware import SIGNED_IN_AT_KEY
from casebridge.accounts.sessions import sessions_end
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("web:home")
SIGNED_IN = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
ABSOLUTE_LIMIT = timedelta(seconds=settings.SESSION_COOKIE_AGE)
# Busy: a request every ten minutes, well inside the inactivity timeout.
BUSY = timedelta(minutes=10)
NO_SUCH_PERSON = reverse("api:person", args=["11111111-1111-4111-8111-111111111111"])


@pytest.fixture
def user():
    return UserFactory()


def _sign_in(user) -> Client:
    """Through the sign-in pages, as a person would."""
    client = Client()
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    device = user.totpdevice_set.get()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"})
    return client


def _busy_until(client, clock, end) -> None:
    while datetime.now(tz=UTC) + BUSY < end:
        clock.shift(BUSY)
        assert client.get(HOME).status_code == 200


def test_a_busy_session_ends_at_the_absolute_limit(user):
    with time_machine.travel(SIGNED_IN, tick=False) as clock:
        client = _sign_in(user)
        _busy_until(client, clock, SIGNED_IN + ABSOLUTE_LIMIT)
        clock.move_to(SIGNED_IN + ABSOLUTE_LIMIT - timedelta(seconds=1))
        assert client.get(HOME).status_code == 200

        clock.shift(timedelta(seconds=2))
        response = client.get(HOME)

    assert response["Location"] == f"{LOGIN}?expired=1"
    assert "signed in for as long as Casebridge allows" in client.get(response["Location"]).text
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_the_api_answers_401_once_a_busy_session_reaches_the_absolute_limit(user):
    with time_machine.travel(SIGNED_IN, tick=False) as clock:
        client = _sign_in(user)
        _busy_until(client, clock, SIGNED_IN + ABSOLUTE_LIMIT)
        assert client.get(NO_SUCH_PERSON).status_code == 404  # still signed in

        clock.move_to(SIGNED_IN + ABSOLUTE_LIMIT + timedelta(seconds=1))
        response = client.get(NO_SUCH_PERSON)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}


def test_an_idle_session_ends_at_the_inactivity_timeout(user):
    idle_limit = timedelta(seconds=settings.SESSION_IDLE_SECONDS)
    with time_machine.travel(SIGNED_IN, tick=False) as clock:
        client = _sign_in(user)
        assert client.get(HOME).status_code == 200
        clock.shift(idle_limit - timedelta(seconds=1))
        assert client.get(HOME).status_code == 200

        clock.shift(idle_limit + timedelta(seconds=1))
        response = client.get(HOME)

    assert response["Location"] == f"{LOGIN}?timed_out=1"


def test_a_session_without_a_sign_in_time_is_ended(user, signed_in_client):
    client = signed_in_client(user)
    session = client.session
    del session[SIGNED_IN_AT_KEY]
    session.save()

    assert client.get(HOME)["Location"] == f"{LOGIN}?expired=1"


def test_ending_a_users_sessions_ends_every_one_of_theirs_and_no_one_elses(user):
    other = UserFactory()
    theirs = [_sign_in(user), _sign_in(user)]
    someone_elses = _sign_in(other)

    assert sessions_end(user_id=user.pk) == 2

    for client in theirs:
        assert client.get(HOME).status_code == 302
    assert someone_elses.get(HOME).status_code == 200
