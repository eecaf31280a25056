"""Downloads from the dashboard: its figures as CSV and the board report for a quarter, each
only as far as the user may see small numbers, each audited."""

import csv
import dataclasses
import io

import pytest

from casebridge.analytics.dashboard import DashboardRow, DashboardSection, DashboardTable
from casebridge.analytics.exports import figures_csv
from casebridge.analytics.figures import Figure
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.analytics.services import snapshot_refresh
from casebridge.audit.models import AuditEvent
from casebridge.reports.selectors import _built
from tests.analytics.fixtures import at, marac_referral
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db
Q1 = {"period": "Q1 22/23"}


@pytest.fixture(autouse=True)
def snapshot_root(settings, tmp_path):
    settings.CASEBRIDGE_SNAPSHOT_DIR = tmp_path / "snapshots"


@pytest.fixture
def coordinator():
    return UserFactory(role=role("panel_coordinator"))


@pytest.fixture
def manager():
    return UserFactory(role=role("manager"))


def rows_of(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def row_for(rows, indicator, period="Q1 22/23"):
    return next(r for r in rows if (r["indicator_id"], r["period"]) == (indicator, period))


# --- CSV -------------------------------------------------------------------------------------


def test_the_restricted_export_has_every_figure_shown_with_numerator_and_denominator(
    signed_in_client, coordinator, three_referrals
):
    response = signed_in_client(coordinator).get("/figures/export.csv", Q1)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="figures-Q1-22-23-restricted.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert len(rows) == 4 * len(registry())  # every indicator, for the four periods shown
    referrals = row_for(rows, "marac-referrals")
    assert (referrals["value"], referrals["numerator"], referrals["unit"]) == ("3", "3", "count")
    repeats = row_for(rows, "marac-repeat-rate")
    assert (repeats["value"], repeats["numerator"], repeats["denominator"]) == ("33.3%", "1", "3")
    assert (repeats["period_start"], repeats["period_end"]) == ("2022-04-01", "2022-06-30")
    cohort = row_for(rows, "yj-reoffending-binary-rate", "12m to 2020-12")  # not the quarter
    assert cohort["section"] == "Reducing reoffending"
    assert row_for(rows, "da-incidents-per-1000")["unit"] == "rate per 1,000"


def test_a_manager_exports_what_the_public_edition_would_show_and_no_numerators(
    signed_in_client, manager, three_referrals
):
    response = signed_in_client(manager).get("/figures/export.csv", Q1)
    assert 'filename="figures-Q1-22-23-public.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert "numerator" not in rows[0] and "denominator" not in rows[0]
    assert row_for(rows, "marac-referrals")["value"] == "[c]"
    assert row_for(rows, "marac-repeat-rate")["value"] == "[c]"
    entry = AuditEvent.objects.get(actor=manager, action="export")
    assert entry.changes == {
        "snapshot": three_referrals.directory.name,
        "period": "Q1 22/23",
        "public": True,
        "format": "csv",
    }


def test_a_coordinator_may_export_as_the_public_edition_would_show(
    signed_in_client, coordinator, three_referrals
):
    response = signed_in_client(coordinator).get("/figures/export.csv", {**Q1, "public": "on"})
    rows = rows_of(response)
    assert "numerator" not in rows[0]
    assert row_for(rows, "marac-referrals")["value"] == "[c]"


@pytest.mark.parametrize(
    "query", [{}, {"period": "Q9 99/00"}, {"period": "Q1 19/20"}, {"period": "22/23"}]
)
def test_an_export_for_a_quarter_not_offered_is_not_found(
    signed_in_client, coordinator, three_referrals, query
):
    response = signed_in_client(coordinator).get("/figures/export.csv", query)
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_practitioner_exports_nothing(signed_in_client, three_referrals):
    practitioner = UserFactory(role=role("practitioner"))
    assert signed_in_client(practitioner).get("/figures/export.csv", Q1).status_code == 404


def test_no_cell_of_the_export_runs_as_a_formula():
    quarter = parse_period("Q1 22/23")
    indicator = dataclasses.replace(
        registry()["marac-referrals"], title='=HYPERLINK("http://example.com","see")'
    )
    figure = Figure(indicator.id, quarter.label, 3, None, 3, 3)
    row = DashboardRow(indicator, [figure], ["3"], [3], [quarter.label])
    section = DashboardSection("+Section", [DashboardTable([quarter], "", [row])])
    (line,) = list(csv.reader(io.StringIO(figures_csv([section], restricted=True))))[1:]
    assert line[0] == "'+Section"
    assert line[2] == '\'=HYPERLINK("http://example.com","see")'


# --- the board report -------------------------------------------------------------------------


def test_a_manager_downloads_the_public_edition_as_a_pdf_and_it_is_audited(
    signed_in_client, manager, three_referrals
):
    query = {**Q1, "edition": "public", "format": "pdf"}
    response = signed_in_client(manager).get("/figures/board-report/", query)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="board-report-Q1-22-23-public.pdf"' in response["Content-Disposition"]
    entry = AuditEvent.objects.get(actor=manager, action="export")
    assert (entry.object_type, entry.object_id) == ("figures", "board-report")
    assert entry.changes == {
        "snapshot": three_referrals.directory.name,
        "period": "Q1 22/23",
        "edition": "public",
        "format": "pdf",
    }


def test_the_dashboard_its_export_and_the_download_share_one_build_of_the_public_edition(
    signed_in_client, manager, three_referrals
):
    """A report is built once per snapshot, quarter and edition (tens of seconds on the
    borough): whatever else was asked before, these three pages build the edition once at
    most, and the later two take the first's."""
    built_before = _built.cache_info()
    client = signed_in_client(manager)
    for address, query in (
        ("/figures/", Q1),
        ("/figures/export.csv", Q1),
        ("/figures/board-report/", {**Q1, "edition": "public", "format": "html"}),
    ):
        assert client.get(address, query).status_code == 200
    built_after = _built.cache_info()
    assert built_after.misses - built_before.misses <= 1
    assert built_after.hits - built_before.hits >= 2


def test_a_manager_may_not_download_the_restricted_edition_and_the_refusal_is_audited(
    signed_in_client, manager, three_referrals
):
    query = {**Q1, "edition": "restricted", "format": "html"}
    assert signed_in_client(manager).get("/figures/board-report/", query).status_code == 404
    denied = AuditEvent.objects.get(actor=manager, action="denied")
    assert denied.object_type == "restricted_figures"
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_coordinator_downloads_the_restricted_edition_with_every_number(
    signed_in_client, coordinator, three_referrals
):
    query = {**Q1, "edition": "restricted", "format": "html"}
    response = signed_in_client(coordinator).get("/figures/board-report/", query)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Restricted edition" in response.content.decode()
    entry = AuditEvent.objects.get(actor=coordinator, action="export")
    assert (entry.changes["edition"], entry.changes["format"]) == ("restricted", "html")


@pytest.mark.parametrize(
    "query",
    [
        {"period": "Q9 99/00", "edition": "public", "format": "pdf"},
        {"period": "Q1 22/23", "edition": "secret", "format": "pdf"},
        {"period": "Q1 22/23", "edition": "public", "format": "docx"},
        {"period": "Q1 22/23", "edition": "public"},
        {"period": "../../etc/passwd", "edition": "public", "format": "pdf"},
    ],
)
def test_a_guessed_quarter_edition_or_format_is_not_found(
    signed_in_client, coordinator, three_referrals, query
):
    response = signed_in_client(coordinator).get("/figures/board-report/", query)
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_quarter_still_under_way_has_no_board_report_yet(
    signed_in_client, coordinator, time_machine
):
    time_machine.move_to(at(2022, 6, 20))
    marac_referral(at(2022, 5, 10))
    snapshot_refresh(actor=None)
    client = signed_in_client(coordinator)
    page = client.get("/figures/", Q1).content.decode()
    assert "Download the board report" not in page
    query = {**Q1, "edition": "public", "format": "pdf"}
    assert client.get("/figures/board-report/", query).status_code == 404


def test_the_dashboard_offers_the_restricted_edition_only_to_those_who_may_have_it(
    signed_in_client, coordinator, manager, three_referrals
):
    offered = signed_in_client(coordinator).get("/figures/", Q1).content.decode()
    assert 'name="edition" type="radio" value="restricted"' in offered
    assert "/figures/export.csv?period=Q1+22%2F23" in offered
    public = signed_in_client(manager).get("/figures/", Q1).content.decode()
    assert 'value="restricted"' not in public
    assert '<input type="hidden" name="edition" value="public">' in public
    assert "Download the board report" in public
