from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from casebridge.audit.anchors import audit_anchor_export, new_key_pair


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head and export it to the anchors' storage (daily, by the "
        "schedule); --new-key PATH makes the signing key pair instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            type=Path,
            metavar="PATH",
            help="write a new Ed25519 private key to PATH and its public key to PATH.pub",
        )

    def handle(self, *args: object, **options: object) -> None:
        if isinstance(path := options["new_key"], Path):
            public = new_key_pair(path)
            self.stdout.write(f"Private key: {path} (keep it off the database's machine)")
            self.stdout.write(f"Public key: {public} (give it to whoever checks the chain)")
            return
        anchor = audit_anchor_export()
        self.stdout.write(
            self.style.SUCCESS(
                f"Anchored the audit chain at entry {anchor.sequence} ({anchor.entry_hash[:16]}"
                f"...): {anchor.name}"
            )
        )
