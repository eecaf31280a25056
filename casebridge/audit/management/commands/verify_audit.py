from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.audit.anchors import verify_anchors
from casebridge.audit.verification import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain; name the first broken entry. With --anchors, "
        "check it against the signed heads exported by `casebridge audit-anchor` too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            action="store_true",
            help="check the chain against every exported anchor (a rewritten chain fails)",
        )
        parser.add_argument(
            "--public-key",
            default="",
            metavar="FILE",
            help="the anchors' public key (default: CASEBRIDGE_AUDIT_ANCHOR_PUBLIC_KEY_FILE)",
        )

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if not report.intact:
            where = (
                f"entry {report.first_broken_sequence}" if report.first_broken_sequence else "chain"
            )
            raise CommandError(
                f"Audit chain broken at {where}: {report.problem} "
                f"({report.entries_checked} entries checked)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.entries_checked} entries checked.")
        )
        if not options["anchors"]:
            return
        anchors = verify_anchors(public_key_file=str(options["public_key"]))
        if not anchors.intact:
            raise CommandError(
                "The audit chain does not match its exported anchors: "
                + "; ".join(anchors.problems)
                + "."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain matches its {anchors.anchors_checked} signed anchors.")
        )
