"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider).

Accounts are made by administrators and matched, never made from a claim; the provider's
multi-factor authentication counts as the second factor only when its ID token says so.
"""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp

from casebridge.accounts.models import SingleSignOnIdentity, User
from casebridge.audit.models import AuditEvent
from tests.accounts.identity_provider import (
    CASEY_EMAIL,
    MFA_ACR,
    identity_provider,
    provider_answer,
    sign_in_with_provider,
    single_sign_on,
    start_sign_in,
)
from tests.factories import PASSWORD, UserFactory, sign_in

__all__ = ["identity_provider", "single_sign_on"]  # fixtures
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("single_sign_on")]

LOGIN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")
HOME = reverse("web:home")
REFUSED = f"{LOGIN}?refused=1"


@pytest.fixture
def casey():
    """Invited by an administrator: an account with the address the provider verifies."""
    return UserFactory(email=CASEY_EMAIL.upper())  # addresses match whatever their case


def _signed_in_fully(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def _refusals() -> list[str]:
    return list(AuditEvent.objects.filter(action="login_failed").values_list("summary", flat=True))


def test_a_first_sign_in_binds_the_invited_account_by_its_verified_address(casey, single_sign_on):
    client = Client()

    response = sign_in_with_provider(client, "casey")

    assert response.status_code == 302 and response["Location"] == HOME
    assert _signed_in_fully(client)
    identity = SingleSignOnIdentity.objects.get(user=casey)
    assert (identity.issuer, identity.subject) == (single_sign_on.issuer, "provider-casey")
    bound, signed_in = AuditEvent.objects.filter(actor=casey).order_by("sequence")[:2]
    assert bound.action == "create" and "first single sign-on" in bound.summary
    assert signed_in.action == "login"


def test_later_sign_ins_go_by_the_binding_not_the_address(casey):
    sign_in_with_provider(Client(), "casey")
    casey.email = "casey.new@council.example"
    casey.save()

    client = Client()
    assert sign_in_with_provider(client, "casey")["Location"] == HOME
    assert client.session["_auth_user_id"] == str(casey.pk)


def test_a_provider_account_whose_address_is_not_verified_is_refused(casey):
    client = Client()

    response = sign_in_with_provider(client, "impostor")

    assert response["Location"] == REFUSED
    assert not _signed_in_fully(client) and "_auth_user_id" not in client.session
    assert not SingleSignOnIdentity.objects.exists()
    assert _refusals() == [
        "Single sign-on refused: the provider did not say the e-mail address is verified, and "
        "this provider account is bound to no Casebridge account"
    ]
    assert "could not sign you in" in client.get(REFUSED).content.decode()


def test_a_second_provider_account_with_the_address_is_refused_once_one_is_bound(casey):
    sign_in_with_provider(Client(), "casey")
    client = Client()

    response = sign_in_with_provider(client, "lookalike")

    assert response["Location"] == REFUSED and "_auth_user_id" not in client.session
    assert SingleSignOnIdentity.objects.get().subject == "provider-casey"
    assert f"{casey.username} is already bound" in _refusals()[0]


def test_nobody_with_the_address_is_refused_and_no_account_is_made():
    UserFactory(email="someone.else@council.example")
    accounts = User.objects.count()
    client = Client()

    response = sign_in_with_provider(client, "stranger")

    assert response["Location"] == REFUSED and "_auth_user_id" not in client.session
    assert User.objects.count() == accounts
    assert not User.objects.filter(email__iexact="stranger@elsewhere.example").exists()
    assert _refusals() == ["Single sign-on refused: no Casebridge account has this e-mail address"]
    assert AuditEvent.objects.get(action="login_failed").actor_username == (
        "stranger@elsewhere.example"
    )


def test_an_inactive_account_is_refused(casey):
    casey.is_active = False
    casey.save()
    client = Client()

    response = sign_in_with_provider(client, "casey")

    assert response["Location"] == REFUSED and "_auth_user_id" not in client.session
    assert _refusals() == [f"Single sign-on refused: {casey.username}'s account is not active"]


def test_an_account_made_inactive_after_binding_is_refused(casey):
    sign_in_with_provider(Client(), "casey")
    casey.is_active = False
    casey.save()
    client = Client()

    assert sign_in_with_provider(client, "casey")["Location"] == REFUSED
    assert "_auth_user_id" not in client.session


def test_the_providers_mfa_stands_for_the_second_factor_when_its_id_token_says_so(casey):
    client = Client()

    response = sign_in_with_provider(client, "casey", next_url="/people/")

    assert response["Location"] == "/people/"  # straight on: no code asked for
    device_id = client.session["otp_device_id"]
    assert device_id == SingleSignOnIdentity.objects.get(user=casey).persistent_id


def test_a_session_the_provider_verified_costs_no_more_queries_than_one_the_app_verified(casey):
    by_provider, by_app = Client(), Client()
    sign_in_with_provider(by_provider, "casey")
    sign_in(by_app, casey)
    for client in (by_provider, by_app):
        client.get(HOME)  # the navigation, kept per user, made once

    counted = []
    for client in (by_provider, by_app):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        counted.append(len(queries))

    assert counted[0] == counted[1]  # the user and the provider's identity in one query


def test_without_the_providers_mfa_the_authenticator_app_code_is_asked_for():
    devon = UserFactory(email="devon.constable@police.example")
    client = Client()

    response = sign_in_with_provider(client, "devon", next_url="/people/")

    assert response["Location"] == f"{TWO_FACTOR}?next=/people/"
    assert client.get(HOME)["Location"] == TWO_FACTOR  # nothing opens without the code
    device = devon.totpdevice_set.get()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post(TWO_FACTOR, {"code": f"{code:06d}", "next": "/people/"})
    assert response["Location"] == "/people/"
    assert _signed_in_fully(client)


def test_an_acr_configured_as_multi_factor_stands_for_the_second_factor(settings):
    UserFactory(email="frankie@probation.example")
    client = Client()
    assert sign_in_with_provider(client, "frankie")["Location"] == TWO_FACTOR

    settings.CASEBRIDGE_OIDC_MFA_ACR = [MFA_ACR]
    client = Client()
    assert sign_in_with_provider(client, "frankie")["Location"] == HOME
    assert _signed_in_fully(client)


def test_an_answer_with_a_state_this_browser_did_not_start_is_refused(casey):
    client = Client()
    answer = urlsplit(provider_answer(start_sign_in(client), "casey"))
    query = parse_qs(answer.query)
    query["state"] = ["a-state-nobody-started"]

    response = client.get(f"{answer.path}?{urlencode(query, doseq=True)}")

    assert response["Location"] == REFUSED and "_auth_user_id" not in client.session
    assert _refusals() == [
        "Single sign-on refused: the provider answered a sign-in this browser did not start"
    ]


def test_an_answer_is_used_once(casey):
    client = Client()
    answer = provider_answer(start_sign_in(client), "casey")
    assert client.get(answer)["Location"] == HOME
    client.post(reverse("accounts:logout"))

    assert client.get(answer)["Location"] == REFUSED
    assert "_auth_user_id" not in client.session


def test_an_id_token_whose_nonce_is_not_the_one_the_sign_in_sent_is_refused(casey):
    client = Client()
    authorization = start_sign_in(client)
    state = parse_qs(urlsplit(authorization).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "a-nonce-this-sign-in-never-sent"
    session.save()

    response = client.get(provider_answer(authorization, "casey"))

    assert response["Location"] == REFUSED and "_auth_user_id" not in client.session
    assert "Nonce verification failed" in _refusals()[0]


def test_an_id_token_from_another_issuer_is_refused(casey, settings):
    settings.CASEBRIDGE_OIDC_ISSUER = "https://login.other-provider.example"
    client = Client()

    assert sign_in_with_provider(client, "casey")["Location"] == REFUSED
    assert "_auth_user_id" not in client.session
    assert "the ID token was issued by" in _refusals()[0]


def test_the_sign_in_page_offers_the_provider_beside_the_password(settings):
    settings.CASEBRIDGE_OIDC_PROVIDER_NAME = "Northbridge Council"

    page = Client().get(f"{LOGIN}?next=/people/").content.decode()

    assert "Sign in with Northbridge Council" in page
    assert f'href="{reverse("accounts:sso_start")}?next=/people/"' in page
    assert 'name="password"' in page


def test_with_passwords_switched_off_only_single_sign_on_signs_in(settings, casey):
    settings.CASEBRIDGE_PASSWORD_SIGN_IN = False
    client = Client()

    page = client.get(LOGIN).content.decode()
    response = client.post(LOGIN, {"username": casey.username, "password": PASSWORD})

    assert 'name="password"' not in page and "Sign in with" in page
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert sign_in_with_provider(client, "casey")["Location"] == HOME
