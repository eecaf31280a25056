import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.core.errors import ApplicationError
from casebridge.operations.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `casebridge backup` into an empty database, then verify it: "
        "each table's rows against the manifest, and the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive `casebridge backup` wrote")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="restore over a database that holds tables (what it holds is lost)",
        )

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"]))
        started = time.monotonic()
        try:
            restored = backup_restore(archive=archive, replace=bool(options["replace"]))
        except ApplicationError as error:
            raise CommandError(error.message) from error
        seconds = time.monotonic() - started
        if not restored.verified:
            problems = [
                f"{table}: {counted:,} rows backed up, {found:,} restored"
                for table, counted, found in restored.differences
            ]
            if not restored.chain.intact:
                problems.append(f"the audit chain is broken: {restored.chain.problem}")
            if not restored.head_matches:
                problems.append("the audit chain's head is not the one backed up")
            raise CommandError("The restore does not match the backup: " + "; ".join(problems))
        tables = restored.manifest["tables"]
        entries = restored.chain.entries_checked
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified {len(tables)} tables ({sum(tables.values()):,} rows, each "
                f"table's count as backed up) and the audit chain ({entries:,} entries intact, "
                f"head as backed up) in {seconds:.1f} s."
            )
        )
