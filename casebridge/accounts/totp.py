"""The authenticator-app device: enrolment (QR code and secret) and code checks."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import User


def confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(*, user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as SVG markup (no inline style, so the CSP allows it)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return str(image.to_string(encoding="unicode"))


def secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
