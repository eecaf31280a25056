import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.core.errors import ApplicationError
from casebridge.operations.backup import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL's custom-format dump or SQLite's backup API), the "
        "snapshots and the uploaded extracts into one archive, with a manifest of what it holds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive to write (a .tar file)")

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"]))
        started = time.monotonic()
        try:
            backup = backup_create(destination=archive)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        head = backup.manifest["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(backup.manifest['tables'])} tables ({backup.rows:,} rows), "
                f"{sum(len(f) for f in backup.manifest['files'].values())} files and the audit "
                f"chain to entry {head['sequence']} in {backup.path} "
                f"({time.monotonic() - started:.1f} s)."
            )
        )
