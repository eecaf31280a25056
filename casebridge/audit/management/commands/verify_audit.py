from django.core.management.base import BaseCommand, CommandError

from casebridge.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; name the first broken entry."

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
