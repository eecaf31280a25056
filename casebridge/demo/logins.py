"""The sign-in table printed after generating (and again by ``--if-empty``)."""

from base64 import b32encode
from binascii import unhexlify

from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.demo.organisation import AGENCIES, DEMO_PASSWORD, DEMO_URL, USERS

HEADINGS = ("Username", "Roles", "Job", "Agency", "Authenticator secret (base32)")


def base32_secret(hex_key: str) -> str:
    return b32encode(unhexlify(hex_key)).decode()


def login_table(*, url: str = DEMO_URL) -> str:
    agency_names = {spec.code: spec.name for spec in AGENCIES}
    secrets = {
        device.user.username: base32_secret(device.key)
        for device in TOTPDevice.objects.filter(
            user__username__in=[u.username for u in USERS], confirmed=True
        ).select_related("user")
    }
    rows = [
        (
            u.username,
            ", ".join(u.roles),
            u.job,
            agency_names[u.agency],
            secrets.get(u.username, "(none)"),
        )
        for u in USERS
    ]
    widths = [max(len(str(row[i])) for row in [HEADINGS, *rows]) for i in range(len(HEADINGS))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    return "\n".join(
        [
            f"Sign in at {url}",
            f"Password for every demo user: {DEMO_PASSWORD}",
            "One-time code: add the user's secret below to an authenticator app (TOTP, 6 digits,",
            "30 seconds), or run `DJANGO_SETTINGS_MODULE=casebridge.config.settings.local "
            ".venv/bin/casebridge demo-totp USERNAME` for the current code.",
            "",
            line(HEADINGS),
            line(tuple("-" * width for width in widths)),
            *(line(row) for row in rows),
        ]
    )
