import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import parse_period
from casebridge.analytics.snapshot import take_snapshot
from casebridge.core.errors import ApplicationError
from casebridge.reports.board import PUBLIC, RESTRICTED, build_report
from casebridge.reports.render import report_html, report_pdf


class Command(BaseCommand):
    help = "Write the quarterly board report's domestic-abuse section, computed from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help='the latest quarter, e.g. "Q2 22/23"')
        parser.add_argument("--out", required=True, type=Path, help="report.pdf or report.html")
        parser.add_argument("--edition", choices=[PUBLIC, RESTRICTED], default=PUBLIC)
        parser.add_argument(
            "--threshold",
            type=int,
            help="public edition: suppress counts below this (default: the report definition's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.suffix not in (".pdf", ".html"):
            raise CommandError("--out must end in .pdf or .html")
        try:
            period = parse_period(options["period"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if not period.label.startswith("Q"):
            raise CommandError("The board report is quarterly: give a quarter such as Q2 22/23.")
        with tempfile.TemporaryDirectory(prefix="casebridge-snapshot-") as scratch:
            engine = Engine(snapshot=take_snapshot(directory=Path(scratch)))
            report = build_report(
                engine=engine,
                period=period,
                edition=options["edition"],
                threshold=options["threshold"],
            )
        if out.suffix == ".pdf":
            out.write_bytes(report_pdf(report))
        else:
            out.write_text(report_html(report), encoding="utf-8")
        self.stdout.write(f"Wrote the {report.edition} edition for {period.label} to {out}")
