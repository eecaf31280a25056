"""One figure, one value: on the tiny demo borough, every figure the dashboard prints for a
period is the one the board report prints for the same indicator and period, reoffending rates
included, and each names the period it is for: the restricted view as the restricted edition,
the public view and its CSV export as the public edition (one disclosure pass over both)."""

import csv
import io
from html.parser import HTMLParser

import pytest

from casebridge.analytics.disclosure import SUPPRESSED
from casebridge.analytics.periods import parse_period
from casebridge.analytics.presentation import NOT_YET_KNOWN
from casebridge.analytics.store import latest_snapshot
from casebridge.core.spreadsheets import formula_safe
from casebridge.reports.board import PUBLIC, RESTRICTED
from tests.factories import UserFactory, role

QUARTERS = ("Q1 22/23", "Q2 22/23", "Q3 22/23", "Q4 22/23")
REOFFENDING_RATES = (
    "iom-reoffending-binary-rate",
    "yj-reoffending-binary-rate",
    "adult-reoffending-binary-rate",
)


class _FiguresTables(HTMLParser):
    """The dashboard's figures as a reader sees them: each table's column headings, and each
    row's indicator (from its link) and cells, as ``{(indicator id, heading): cell}``."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], str] = {}
        self.headings: list[str] = []
        self.row: tuple[str, list[str]] | None = None
        self.text: list[str] | None = None
        self.in_figures = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.in_figures = "casebridge-figures" in (found.get("class") or "")
            self.headings = []
        elif self.in_figures and tag == "th" and found.get("scope") == "col":
            self.text = []
        elif self.in_figures and tag == "a" and self.row is None and "href" in found:
            href = found["href"] or ""
            self.row = (href.split("/")[2], [])
        elif self.in_figures and tag == "td":
            self.text = []

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.in_figures:
            return
        if tag == "th" and self.text is not None:
            self.headings.append("".join(self.text).strip())
            self.text = None
        elif tag == "td" and self.text is not None and self.row is not None:
            self.row[1].append("".join(self.text).strip())
            self.text = None
        elif tag == "tr" and self.row is not None:
            indicator, cells = self.row
            periods = self.headings[1:-1]  # between "Indicator" and the trend
            for heading, cell in zip(periods, cells, strict=False):
                self.cells[(indicator, heading)] = cell
            self.row = None
        elif tag == "table":
            self.in_figures = False


def dashboard_cells(page: str) -> dict[tuple[str, str], str]:
    parser = _FiguresTables()
    parser.feed(page)
    return parser.cells


@pytest.fixture
def snapshot(tiny_borough, db, settings):
    """The tiny borough's stored snapshot (loaded once for the session), the latest there is."""
    settings.CASEBRIDGE_SNAPSHOT_DIR = tiny_borough.snapshot.directory.parent
    return tiny_borough.snapshot


def report_cells(report) -> dict[tuple[str, str], str]:
    """Every figure a board report prints in its tables and comparisons, by period."""
    cells = {}
    for section in report.sections:
        for table in section.tables:
            for row in table.rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    cells[(row.indicator.id, column.label)] = cell
        for comparison in section.comparisons:
            cells[(comparison.indicator.id, comparison.period.label)] = comparison.ours
    return cells


@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_figure_the_report_prints_the_dashboard_prints_alike_for_the_same_period(
    snapshot, tiny_borough, signed_in_client, quarter
):
    analyst = UserFactory(role=role("analyst"))
    page = signed_in_client(analyst).get("/figures/", {"period": quarter}).content.decode()
    shown = dashboard_cells(page)
    assert latest_snapshot() == snapshot
    printed = report_cells(tiny_borough.report(quarter, RESTRICTED))
    assert {key: shown.get(key) for key in printed} == printed
    assert len(printed) > 300


@pytest.mark.parametrize("quarter", QUARTERS)
def test_the_public_dashboard_and_its_export_print_every_figure_as_the_public_report_does(
    snapshot, tiny_borough, signed_in_client, quarter
):
    client = signed_in_client(UserFactory(role=role("analyst")))
    page = client.get("/figures/", {"period": quarter, "public": "on"}).content.decode()
    shown = dashboard_cells(page)
    report = tiny_borough.report(quarter, PUBLIC)
    printed = report_cells(report)
    assert {key: shown.get(key) for key in printed} == printed
    assert SUPPRESSED in printed.values()  # the tiny borough has small numbers to protect
    for key, cell in shown.items():  # the dashboard's other figures: the same pass's
        assert cell == report.released[key].text, key
    export = client.get("/figures/export.csv", {"period": quarter, "public": "on"})
    rows = csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))
    exported = {(row["indicator_id"], row["period"]): row["value"] for row in rows}
    assert exported == {key: formula_safe(cell) for key, cell in shown.items()}  # "-" as "'-"


def test_the_reoffending_rates_are_shown_for_the_cohorts_the_report_shows_not_the_quarter(
    snapshot, signed_in_client
):
    analyst = UserFactory(role=role("analyst"))
    page = signed_in_client(analyst).get("/figures/", {"period": "Q4 22/23"}).content.decode()
    shown = dashboard_cells(page)
    for rate in REOFFENDING_RATES:
        cohorts = {period: cell for (indicator, period), cell in shown.items() if indicator == rate}
        assert list(cohorts) == [
            "12m to 2020-12",
            "12m to 2021-03",
            "12m to 2021-06",
            "12m to 2021-09",
        ]
        assert any(cell.endswith("%") for cell in cohorts.values()), (rate, cohorts)
        assert ("Q4 22/23" in cohorts) is False
    assert "ending 6 quarters before the quarter" in page
    assert NOT_YET_KNOWN not in shown[("iom-reoffending-binary-rate", "12m to 2020-12")]


def test_every_figure_on_the_dashboard_is_under_the_heading_of_its_period(
    snapshot, signed_in_client
):
    analyst = UserFactory(role=role("analyst"))
    page = signed_in_client(analyst).get("/figures/", {"period": "Q4 22/23"}).content.decode()
    shown = dashboard_cells(page)
    for _, heading in shown:
        parse_period(heading)  # a period's label, never anything else
    indicators = {indicator for indicator, _ in shown}
    assert len(shown) == 4 * len(indicators)
