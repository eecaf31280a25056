from typing import Any

from django.core.management.base import BaseCommand

from casebridge.imports.recovery import imports_recover


class Command(BaseCommand):
    help = (
        "Fail the import batches a restart interrupted (unfinished, and no live import holds "
        "their file) and delete their files. Run it as the web server starts; it is safe beside "
        "imports running in other processes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recovery = imports_recover()
        for batch_id in recovery.failed:
            self.stdout.write(f"Batch {batch_id}: interrupted by a restart, marked not loaded.")
        if recovery.files_deleted:
            self.stdout.write(
                f"{recovery.files_deleted:,} uploaded file(s) no import was reading deleted."
            )
