"""One figure, one value: on the tiny demo borough, every figure the dashboard prints for a
period is the one the board report (restricted edition) prints for the same indicator and
period, reoffending rates included, and each names the period it is for."""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import parse_period
from casebridge.analytics.presentation import NOT_YET_KNOWN
from casebridge.analytics.services import snapshot_refresh
from casebridge.analytics.store import latest_snapshot
from casebridge.reports.board import RESTRICTED, build_report
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


@pytest.fixture(scope="module")
def tiny_borough_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """The tiny borough with one stored snapshot of it, rolled back at the module's end."""
    snapshots = tmp_path_factory.mktemp("snapshots")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(CASEBRIDGE_SNAPSHOT_DIR=snapshots),
    ):
        call_command("demo_data", "--size", "tiny", "--seed", "2022", stdout=StringIO())
        yield snapshot_refresh(actor=None)
        transaction.set_rollback(True)


@pytest.fixture
def snapshot(tiny_borough_snapshot, db, settings):
    settings.CASEBRIDGE_SNAPSHOT_DIR = tiny_borough_snapshot.directory.parent
    return tiny_borough_snapshot


@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_figure_the_report_prints_the_dashboard_prints_alike_for_the_same_period(
    snapshot, signed_in_client, quarter
):
    analyst = UserFactory(role=role("analyst"))
    page = signed_in_client(analyst).get("/figures/", {"period": quarter}).content.decode()
    shown = dashboard_cells(page)
    assert latest_snapshot() == snapshot
    report = build_report(
        engine=Engine(snapshot=snapshot), period=parse_period(quarter), edition=RESTRICTED
    )
    compared = 0
    for section in report.sections:
        for table in section.tables:
            for row in table.rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    key = (row.indicator.id, column.label)
                    assert shown.get(key) == cell, key
                    compared += 1
        for comparison in section.comparisons:
            key = (comparison.indicator.id, comparison.period.label)
            assert shown.get(key) == comparison.ours, key
    assert compared > 300


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
