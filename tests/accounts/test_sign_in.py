import time
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.middleware import LAST_SEEN_KEY
from casebridge.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")


@pytest.fixture
def user():
    return UserFactory()


def _password(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password, **extra})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_in_with_password_then_code(user):
    client = Client()
    response = _password(client, user)
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR

    response = client.post(TWO_FACTOR, {"code": _code(user.totpdevice_set.get())})

    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_wrong_password_gives_the_generic_error_and_is_audited(user):
    response = _password(Client(), user, password="not the password")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct username and password" in content
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.actor_username == user.username


def test_unknown_username_gives_the_same_error():
    response = Client().post(LOGIN, {"username": "nobody", "password": "whatever it is"})
    assert "Enter a correct username and password" in response.content.decode()


def test_eleventh_attempt_after_ten_failures_is_locked_out(user):
    client = Client()
    for _ in range(settings.SIGN_IN_FAILURE_LIMIT - 1):
        assert _password(client, user, password="wrong").status_code == 200
    # The tenth failure reaches the limit.
    assert _password(client, user, password="wrong").status_code == 429

    response = _password(client, user)  # even the right password

    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert client.get(TWO_FACTOR).status_code == 302  # not signed in: back to sign-in
    assert client.get(TWO_FACTOR)["Location"] == LOGIN


def test_session_key_changes_at_sign_in(user):
    client = Client()
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    _password(client, user)

    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_a_code_cannot_be_used_twice(user):
    device = user.totpdevice_set.get()
    code = _code(device)
    first = Client()
    _password(first, user)
    assert first.post(TWO_FACTOR, {"code": code}).status_code == 302

    second = Client()
    _password(second, user)
    response = second.post(TWO_FACTOR, {"code": code})

    assert response.status_code == 200
    assert "wrong or has already been used" in response.content.decode()
    assert second.get(reverse("web:home"))["Location"] == TWO_FACTOR


def test_a_wrong_code_is_refused(user):
    client = Client()
    _password(client, user)
    wrong = f"{(int(_code(user.totpdevice_set.get())) + 1) % 1000000:06d}"
    response = client.post(TWO_FACTOR, {"code": wrong})
    assert "wrong or has already been used" in response.content.decode()


def test_password_alone_opens_nothing(user):
    client = Client()
    _password(client, user)
    for url in (reverse("web:home"), reverse("people:search"), reverse("audit:search")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(reverse("pathways:case_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/cases/"


def test_next_is_followed_only_within_the_site(user):
    client = Client()
    response = _password(client, user, next="/cases/")
    assert response["Location"] == f"{TWO_FACTOR}?next=/cases/"
    response = client.post(
        TWO_FACTOR, {"code": _code(user.totpdevice_set.get()), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:home")


NEXT_WITH_QUERY = "/cases/?state=open&sort=-opened#results"


def test_a_next_with_a_query_and_fragment_is_kept_whole_through_both_steps(user):
    client = Client()
    response = _password(client, user, next=NEXT_WITH_QUERY)

    assert response["Location"] == f"{TWO_FACTOR}?{urlencode({'next': NEXT_WITH_QUERY}, safe='/')}"
    assert "?next=/cases/%3Fstate%3Dopen%26sort%3D-opened%23results" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'value="/cases/?state=open&amp;sort=-opened#results"' in page
    response = client.post(
        TWO_FACTOR, {"code": _code(user.totpdevice_set.get()), "next": NEXT_WITH_QUERY}
    )
    assert response["Location"] == NEXT_WITH_QUERY


@pytest.mark.parametrize(
    "off_site",
    ["https://evil.example/?a=1&b=2#x", "//evil.example/cases/", "/\\evil.example/"],
)
def test_an_off_site_next_is_dropped_at_both_steps(user, off_site):
    client = Client()
    assert _password(client, user, next=off_site)["Location"] == TWO_FACTOR
    assert "evil" not in client.get(f"{TWO_FACTOR}?{urlencode({'next': off_site})}").text

    response = client.post(TWO_FACTOR, {"code": _code(user.totpdevice_set.get()), "next": off_site})

    assert response["Location"] == reverse("web:home")


def test_the_two_factor_step_sends_a_signed_out_visitor_to_sign_in_with_next_encoded():
    response = Client().get(f"{TWO_FACTOR}?{urlencode({'next': NEXT_WITH_QUERY})}")
    assert response["Location"] == f"{LOGIN}?{urlencode({'next': NEXT_WITH_QUERY}, safe='/')}"


def test_the_admin_login_sends_people_to_the_sign_in_page():
    response = Client().get("/admin/")
    response = Client().get(response["Location"])
    assert response["Location"] == f"{LOGIN}?next=/admin/"


def test_enrolment_shows_a_qr_code_then_confirms_the_device():
    user = UserFactory()
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    _password(client, user)

    page = client.get(TWO_FACTOR).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert "Set up your authenticator app" in page
    assert "<svg" in page
    assert not device.confirmed

    response = client.post(TWO_FACTOR, {"code": _code(device)})

    device.refresh_from_db()
    assert response.status_code == 302
    assert device.confirmed
    assert client.get(reverse("web:home")).status_code == 200


def test_inactivity_signs_out(user, signed_in_client):
    client = signed_in_client(user)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()

    response = client.get(reverse("web:home"))

    assert response["Location"] == f"{LOGIN}?timed_out=1"
    assert "You were signed out" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("web:home"))["Location"].startswith(LOGIN)


def test_sign_out_is_post_only(user, signed_in_client):
    client = signed_in_client(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    assert client.get(reverse("web:home"))["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="logout", actor=user).exists()


def test_a_second_factor_removed_from_the_account_unverifies_its_sessions(user, signed_in_client):
    client = signed_in_client(user)
    assert client.get(reverse("web:home")).status_code == 200

    TOTPDevice.objects.filter(user=user).delete()

    assert client.get(reverse("web:home"))["Location"] == TWO_FACTOR


def test_a_session_naming_another_users_second_factor_is_not_verified(user, signed_in_client):
    client = signed_in_client(user)
    session = client.session
    session["otp_device_id"] = UserFactory().totpdevice_set.get().persistent_id
    session.save()

    assert client.get(reverse("web:home"))["Location"] == TWO_FACTOR
