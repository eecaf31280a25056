from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.access.policy import AccessDenied
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.core.errors import ApplicationError
from casebridge.imports.formats import extract_formats
from casebridge.imports.models import ImportBatch
from casebridge.imports.recovery import imports_recover
from casebridge.imports.services import import_file


class Command(BaseCommand):
    help = (
        "Import a partner's extract (CSV or XLSX) as one batch: every row checked, the valid "
        "ones loaded together or not at all, the rejected ones kept with their reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=list(extract_formats()))
        parser.add_argument(
            "--supplied-by", required=True, help="code of the agency whose extract it is"
        )
        parser.add_argument("--as", dest="username", required=True, help="the analyst importing it")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}")
        try:
            actor = User.objects.get(username=options["username"], is_active=True)
            supplied_by = Agency.objects.get(code=options["supplied_by"])
        except (User.DoesNotExist, Agency.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        # A batch an earlier run of this command (or a web server) left when it was stopped.
        for batch_id in imports_recover().failed:
            self.stdout.write(f"Batch {batch_id}: interrupted by a restart, marked not loaded.")
        try:
            batch = import_file(
                actor=actor, kind=options["kind"], supplied_by=supplied_by, path=path
            )
        except AccessDenied as error:
            raise CommandError(f"{actor.username} may not import partner data.") from error
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(f"Batch {batch.pk}: not loaded. {batch.error}")
        self.stdout.write(
            f"Batch {batch.pk}: {batch.rows_read:,} rows read, {batch.rows_loaded:,} loaded, "
            f"{batch.rows_updated:,} updated, {batch.rows_unchanged:,} unchanged (loaded before), "
            f"{batch.rows_rejected:,} "
            f"rejected; {batch.people_created:,} people recorded, {batch.people_matched:,} "
            "found by an identifier."
        )
        if batch.rows_rejected:
            self.stdout.write("Rejected rows:")
            for row in batch.rejected_rows.all()[:20]:
                self.stdout.write(f"  line {row.line_number}: {'; '.join(row.reasons)}")
            if batch.rows_rejected > 20:
                self.stdout.write(
                    f"  ... and {batch.rows_rejected - 20:,} more (see the batch page)"
                )
        if batch.linkage:
            self.stdout.write(batch.linkage)
