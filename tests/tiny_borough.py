"""The tiny demo borough, loaded once for the whole test session, for the tests that read the
board report and the dashboard over it (tests/reports, tests/analytics), check what the
demo-data command wrote (tests/demo) and walk the site over it (tests/web's free-text canary).

Loading it takes over a minute, so it is loaded once, inside a transaction rolled back when the
session ends, with one stored snapshot of it; each board report is built from that snapshot
once however many tests read it. The tests that use it run after every other test (see
``run_last`` in tests/conftest.py), so no other test sees the borough's records; under
pytest-xdist they all go to one worker (tests/scheduling.py), so the borough is loaded
and each report built once per run, not once per worker.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

if TYPE_CHECKING:  # imported when used: this module is imported before Django is set up
    from casebridge.analytics.engine import Engine
    from casebridge.analytics.snapshot import Snapshot
    from casebridge.reports.board import BoardReport

FIXTURE = "tiny_borough"


@dataclass
class TinyBorough:
    output: str  # what demo-data printed
    snapshot: "Snapshot"  # stored, as the dashboard reads it (latest_snapshot)
    engine: "Engine"
    built: dict[tuple[str, str], "BoardReport"] = field(default_factory=dict)

    def report(self, quarter: str, edition: str) -> "BoardReport":
        """The board report for the quarter and edition, built once for the session."""
        from casebridge.analytics.periods import parse_period
        from casebridge.reports.board import build_report

        if (quarter, edition) not in self.built:
            period = parse_period(quarter)
            self.built[quarter, edition] = build_report(
                engine=self.engine, period=period, edition=edition
            )
        return self.built[quarter, edition]


@pytest.fixture(scope="session")
def tiny_borough(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[TinyBorough]:
    from casebridge.analytics.engine import Engine
    from casebridge.analytics.services import snapshot_refresh

    snapshots = tmp_path_factory.mktemp("tiny-borough-snapshots")
    output = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_data", "--size", "tiny", "--seed", "2022", stdout=output)
        with override_settings(CASEBRIDGE_SNAPSHOT_DIR=snapshots):
            snapshot = snapshot_refresh(actor=None)
        yield TinyBorough(output.getvalue(), snapshot, Engine(snapshot=snapshot))
        transaction.set_rollback(True)


def run_last(items: list[pytest.Item]) -> None:
    """Move the tests that use the tiny borough after all others, keeping each group's order:
    its records stay in the database from the first of them to the session's end."""
    items.sort(key=lambda item: FIXTURE in getattr(item, "fixturenames", ()))
