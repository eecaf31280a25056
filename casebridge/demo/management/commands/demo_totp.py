"""``casebridge demo-totp USERNAME``: the current one-time code of a demo user.

A convenience for demonstrations only: it prints a second factor, so it refuses unless the
settings say this is a demo (``CASEBRIDGE_DEMO``), and only for the generated demo users.
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.demo.organisation import USERS


class Command(BaseCommand):
    help = "Print the current one-time code of a demo user (demo settings only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "CASEBRIDGE_DEMO", False):
            raise CommandError(
                "demo-totp prints a second factor, so it only runs with demo settings "
                "(CASEBRIDGE_DEMO = True)."
            )
        username = options["username"]
        if username not in {user.username for user in USERS}:
            raise CommandError(f"{username!r} is not one of the demo users.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no authenticator; run `casebridge demo-data`.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        remaining = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for about {remaining} more seconds)")
