from typing import Any

from django.core.management.base import BaseCommand

from casebridge.analytics.services import snapshot_refresh
from casebridge.analytics.store import snapshot_id


class Command(BaseCommand):
    help = (
        "Snapshot the records for the figures; the dashboard shows the latest snapshot "
        "(run it from a scheduler, e.g. nightly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = snapshot_refresh(actor=None)
        rows = sum(snapshot.rows.values())
        self.stdout.write(
            f"Snapshot {snapshot_id(snapshot)}: {rows:,} rows in {snapshot.directory}"
        )
