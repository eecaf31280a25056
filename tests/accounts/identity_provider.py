"""A real OpenID Connect provider for the single sign-on tests, and a browser's way through it.

``tests/oidc_provider/provider.mjs`` runs panva's oidc-provider (installed by ``make test``:
``npm ci`` in tests/oidc_provider) on a free loopback port with the accounts below. Casebridge is
driven by Django's test client; the provider by a requests session that submits its login and
consent forms, as a browser would, until the provider sends the browser back to Casebridge.
"""

import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
CALLBACK = "http://testserver" + reverse("accounts:sso_callback")
CLIENT = {
    "client_id": "casebridge",
    "client_secret": "a-loopback-client-secret-for-the-tests",
    "redirect_uris": [CALLBACK],
}
PASSWORD = "provider password"
CASEY_EMAIL = "casey.officer@council.example"


def _account(sub: str, email: str, *, verified: bool = True, amr=("pwd",), acr=None) -> dict:
    return {
        "password": PASSWORD,
        "sub": sub,
        "claims": {"email": email, "email_verified": verified},
        "amr": list(amr),
        **({"acr": acr} if acr else {}),
    }


# The provider's accounts, by login.
ACCOUNTS = {
    # Signs in with the provider's multi-factor authentication.
    "casey": _account("provider-casey", CASEY_EMAIL, amr=("pwd", "mfa")),
    # A password only, at the provider.
    "devon": _account("provider-devon", "devon.constable@police.example"),
    # An authentication level the deployment may configure as multi-factor.
    "frankie": _account("provider-frankie", "frankie@probation.example", acr="urn:loopback:mfa"),
    # Another provider account claiming Casey's address, which the provider has not verified.
    "impostor": _account("provider-impostor", CASEY_EMAIL, verified=False, amr=("pwd", "mfa")),
    # Another provider account the provider says has Casey's address (say, reissued).
    "lookalike": _account("provider-lookalike", CASEY_EMAIL, amr=("pwd", "mfa")),
    # Nobody Casebridge knows.
    "stranger": _account("provider-stranger", "stranger@elsewhere.example", amr=("mfa",)),
}
MFA_ACR = "urn:loopback:mfa"


@dataclass(frozen=True)
class IdentityProvider:
    issuer: str
    metadata: dict[str, Any]  # its discovery document

    def settings(self) -> dict[str, Any]:
        """Casebridge's settings for this provider, as the CASEBRIDGE_OIDC_* variables set them."""
        return {
            "CASEBRIDGE_OIDC_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": CLIENT["client_id"],
            "OIDC_RP_CLIENT_SECRET": CLIENT["client_secret"],
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.metadata["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.metadata["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.metadata["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.metadata["jwks_uri"],
        }


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory) -> Iterator[IdentityProvider]:
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("oidc-provider is missing: `make oidc-provider` installs it (make test does)")
    scratch = tmp_path_factory.mktemp("oidc-provider")
    config = scratch / "config.json"
    config.write_text(json.dumps({"client": CLIENT, "accounts": ACCOUNTS}))
    announced, log = scratch / "issuer.json", scratch / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603  (node and our own script)
            ["node", "provider.mjs", str(config), str(announced)],  # noqa: S607
            cwd=PROVIDER_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        issuer = _issuer_announced(process, announced=announced, log=log)
        metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        yield IdentityProvider(issuer=issuer, metadata=metadata)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _issuer_announced(process: subprocess.Popen, *, announced: Path, log: Path) -> str:
    """The issuer the provider writes to ``announced`` once it answers."""
    deadline = time.monotonic() + 30
    while not announced.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if not announced.exists():
        pytest.fail(f"the OIDC provider did not start: {log.read_text()}")
    return json.loads(announced.read_text())["issuer"]


@pytest.fixture
def single_sign_on(identity_provider, settings) -> IdentityProvider:
    """Casebridge configured for the loopback provider."""
    for name, value in identity_provider.settings().items():
        setattr(settings, name, value)
    return identity_provider


def provider_answer(authorization_url: str, login: str, password: str = PASSWORD) -> str:
    """Where the provider sends the browser back to Casebridge (path and query), once the user
    has signed in with its login form and agreed on its consent form."""
    browser = requests.Session()
    response = browser.get(authorization_url, allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(CALLBACK):
                answer = urlsplit(location)
                return f"{answer.path}?{answer.query}"
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        assert response.status_code == 200, response.text
        action = urljoin(response.url, re.search(r'action="([^"]+)"', response.text)[1])
        fields = {"login": login, "password": password} if 'name="login"' in response.text else {}
        response = browser.post(action, data=fields, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back to Casebridge")


def start_sign_in(client: Client, next_url: str = "") -> str:
    """Casebridge's "Sign in with ..." button: the provider's authorization URL it sends to."""
    url = reverse("accounts:sso_start") + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302, response
    return response["Location"]


def sign_in_with_provider(client: Client, login: str, next_url: str = ""):
    """The whole single sign-on: Casebridge's answer to the provider's redirect back."""
    return client.get(provider_answer(start_sign_in(client, next_url), login))
