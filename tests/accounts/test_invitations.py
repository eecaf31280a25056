"""An invitation is a one-time link: the invitee sets a password with it, then enrols their own
authenticator app at first sign-in. Kept only as a hash; expires; used once."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.invitations import invitation_issue
from casebridge.accounts.models import Invitation, User
from casebridge.audit.models import AuditEvent
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern orchard pebble quarry"


@pytest.fixture
def invited():
    user = UserFactory(username="new.idva")
    user.set_unusable_password()
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    return user


@pytest.fixture
def sysadmin():
    return UserFactory(role=role("sysadmin"))


def _link(token: str) -> str:
    return reverse("accounts:invitation", kwargs={"token": token})


def _accept(client: Client, token: str, password: str = NEW_PASSWORD):
    followed = client.get(_link(token))
    if followed.status_code != 302:
        return followed
    accept = reverse("accounts:invitation_accept")
    assert followed["Location"] == accept  # the token leaves the address bar at once
    return client.post(accept, {"password": password, "password_again": password})


def test_the_invitee_sets_a_password_then_enrols_their_own_authenticator(invited, sysadmin):
    token = invitation_issue(actor=sysadmin, user=invited)
    client = Client()

    response = _accept(client, token)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?invited=1"
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    client.post(reverse("accounts:login"), {"username": "new.idva", "password": NEW_PASSWORD})
    page = client.get(reverse("accounts:two_factor"))
    assert page.context["enrolling"] and page.context["qr_svg"]
    device = TOTPDevice.objects.get(user=invited)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"})
    assert client.get(reverse("web:home")).status_code == 200
    accepted = AuditEvent.objects.get(actor=invited, object_type="user", action="change")
    assert NEW_PASSWORD not in str(accepted.changes) and "accepted" in accepted.summary


def test_only_the_tokens_hash_is_kept(invited, sysadmin):
    token = invitation_issue(actor=sysadmin, user=invited)
    stored = Invitation.objects.get(user=invited)
    assert token not in stored.token_digest and len(stored.token_digest) == 64
    assert token not in str(AuditEvent.objects.latest("sequence").changes)


def test_a_link_works_once(invited, sysadmin):
    token = invitation_issue(actor=sysadmin, user=invited)
    assert _accept(Client(), token).status_code == 302

    again = _accept(Client(), token, "another pebble orchard lantern")

    assert again.status_code == 404
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_an_expired_link_does_not_work(invited, sysadmin):
    token = invitation_issue(actor=sysadmin, user=invited)
    later = timezone.now() + timedelta(days=settings.CASEBRIDGE_INVITATION_DAYS, minutes=1)
    with time_machine.travel(later):
        assert _accept(Client(), token).status_code == 404
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_a_guessed_token_opens_nothing(invited, sysadmin):
    invitation_issue(actor=sysadmin, user=invited)
    assert _accept(Client(), "a-guessed-token-of-the-right-sort-of-length-00").status_code == 404
    accept = Client().post(
        reverse("accounts:invitation_accept"),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert accept.status_code == 404


def test_a_new_link_withdraws_the_old(invited, sysadmin):
    old = invitation_issue(actor=sysadmin, user=invited)
    new = invitation_issue(actor=sysadmin, user=invited)
    assert _accept(Client(), old).status_code == 404
    assert _accept(Client(), new).status_code == 302


def test_a_link_stops_working_when_their_access_ends(invited, sysadmin):
    token = invitation_issue(actor=sysadmin, user=invited)
    User.objects.filter(pk=invited.pk).update(is_active=False)
    assert _accept(Client(), token).status_code == 404


def test_a_weak_password_is_refused_and_the_link_still_works(invited, sysadmin):
    token = invitation_issue(actor=sysadmin, user=invited)
    client = Client()

    refused = _accept(client, token, "password")

    assert refused.status_code == 400
    assert "too short" in refused.content.decode() or "too common" in refused.content.decode()
    assert _accept(client, token).status_code == 302


def test_following_a_link_signs_out_whoever_was_signed_in(invited, sysadmin, signed_in_client):
    token = invitation_issue(actor=sysadmin, user=invited)
    client = signed_in_client(UserFactory())
    client.get(_link(token))
    assert client.get(reverse("web:home")).status_code == 302
