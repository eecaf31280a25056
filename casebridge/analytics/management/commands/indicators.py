import csv
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.analytics.snapshot import open_snapshot, take_snapshot
from casebridge.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Compute the partnership's indicators from a snapshot of the records and print them as "
        "JSON or CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help='e.g. "Q2 22/23", "22/23"')
        parser.add_argument(
            "--quarters",
            type=int,
            default=1,
            help="for a quarter: how many quarters up to it (a board report shows 4)",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--indicator", action="append", help="only these ids (repeatable)")
        parser.add_argument(
            "--breakdown",
            metavar="COLUMN",
            help="one figure per category of this column, e.g. referring_agency_kind (only "
            "indicators that declare it; without --indicator, every one that does)",
        )
        parser.add_argument(
            "--snapshot", type=Path, help="an existing snapshot directory (default: take one now)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        periods = (
            period.previous_quarters(options["quarters"]) if options["quarters"] > 1 else [period]
        )
        known = registry()
        by = options["breakdown"]
        wanted = options["indicator"] or [
            i for i in known if by is None or by in known[i].breakdowns
        ]
        if unknown := [i for i in wanted if i not in known]:
            raise CommandError(f"No such indicator: {', '.join(unknown)}")
        if by is not None and not wanted:
            raise CommandError(f"No indicator declares the breakdown {by!r}.")
        if by is not None and (undeclared := [i for i in wanted if by not in known[i].breakdowns]):
            raise CommandError(f"Not broken down by {by!r}: {', '.join(undeclared)}")
        with tempfile.TemporaryDirectory(prefix="casebridge-snapshot-") as scratch:
            snapshot = (
                open_snapshot(options["snapshot"])
                if options["snapshot"]
                else take_snapshot(directory=Path(scratch))
            )
            engine = Engine(snapshot=snapshot)
            if by is None:
                figures = engine.figures([known[i] for i in wanted], periods)
            else:
                figures = [
                    figure
                    for i in wanted
                    for quarter in periods
                    for figure in engine.breakdown(known[i], quarter, by)
                ]
        rows = [
            {
                "indicator": figure.indicator,
                "title": known[figure.indicator].title,
                "unit": known[figure.indicator].unit,
                "period": figure.period,
                **({"category": figure.category} if by is not None else {}),
                "value": figure.value,
                # A figure not yet known has no parts either: never a partial count as a nought.
                "numerator": None if figure.matures_on else figure.numerator,
                "denominator": figure.denominator,
                "known_once_records_reach": figure.matures_on.isoformat()
                if figure.matures_on
                else None,
            }
            for figure in figures
        ]
        if options["format"] == "json":
            document = {"snapshot_taken_at": snapshot.taken_at.isoformat(), "figures": rows}
            self.stdout.write(json.dumps(document, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=list(rows[0]) if rows else ["indicator"])
        writer.writeheader()
        writer.writerows(rows)
