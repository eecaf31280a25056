"""Single sign-on's configuration: refused half made, and nothing of it reachable when off."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from casebridge.accounts.oidc import check_configuration
from casebridge.accounts.single_sign_on import provider_vouches_for_mfa


def test_an_issuer_without_the_rest_of_the_provider_is_refused_at_start(settings):
    settings.CASEBRIDGE_OIDC_ISSUER = "https://login.microsoftonline.com/tenant-id/v2.0"
    settings.OIDC_RP_CLIENT_ID = "casebridge"

    with pytest.raises(ImproperlyConfigured, match="CASEBRIDGE_OIDC_CLIENT_SECRET"):
        check_configuration()


def test_passwords_switched_off_without_single_sign_on_are_refused_at_start(settings):
    settings.CASEBRIDGE_PASSWORD_SIGN_IN = False

    with pytest.raises(ImproperlyConfigured, match="nobody could sign in"):
        check_configuration()


@pytest.mark.django_db
def test_without_an_issuer_single_sign_on_is_not_there():
    client = Client()

    assert client.get(reverse("accounts:sso_start")).status_code == 404
    callback = client.get(reverse("accounts:sso_callback"), {"code": "x", "state": "y"})
    assert callback.status_code == 404
    assert "Sign in with" not in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.parametrize(
    ("claims", "vouched"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["hwk"]}, True),
        ({"amr": "otp"}, True),
        ({"amr": ["pwd"]}, False),
        ({}, False),
        ({"acr": "urn:example:loa:2"}, True),
        ({"acr": "urn:example:loa:1"}, False),
    ],
)
def test_which_id_token_claims_stand_for_the_second_factor(settings, claims, vouched):
    settings.CASEBRIDGE_OIDC_MFA_ACR = ["urn:example:loa:2"]

    assert provider_vouches_for_mfa(id_token_claims=claims) is vouched
