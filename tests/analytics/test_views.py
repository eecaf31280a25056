"""The figures dashboard, an indicator's page and the drill-down, as their users see them."""

import pytest

from casebridge.analytics.services import snapshot_refresh
from casebridge.analytics.store import latest_snapshot, snapshot_id
from casebridge.audit.models import AuditEvent
from tests.analytics.fixtures import at, marac_referral
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def snapshot_root(settings, tmp_path):
    settings.CASEBRIDGE_SNAPSHOT_DIR = tmp_path / "snapshots"


@pytest.fixture
def coordinator():
    return UserFactory(role=role("panel_coordinator"))


@pytest.fixture
def manager():
    return UserFactory(role=role("manager"))


def referrals(count, when=(2022, 5, 10)):
    return [marac_referral(at(*when)) for _ in range(count)]


def test_without_a_snapshot_the_coordinator_is_offered_to_compute_the_figures(
    signed_in_client, coordinator
):
    page = signed_in_client(coordinator).get("/figures/").content.decode()
    assert "No figures have been computed yet" in page
    assert "Compute the figures now" in page


def test_refreshing_takes_a_snapshot_and_audits_it(signed_in_client, coordinator):
    referrals(1)
    response = signed_in_client(coordinator).post("/figures/refresh/", {"period": "Q1 22/23"})
    assert response.status_code == 302
    assert response["Location"] == "/figures/?period=Q1+22%2F23"
    snapshot = latest_snapshot()
    entry = AuditEvent.objects.get(object_type="snapshot")
    assert (entry.actor, entry.object_id) == (coordinator, snapshot_id(snapshot))


def test_a_refresh_waiting_for_a_worker_is_shown_and_not_asked_for_twice(
    signed_in_client, coordinator, settings
):
    from casebridge.jobs.models import TaskRun

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = signed_in_client(coordinator)
    client.post("/figures/refresh/")
    client.post("/figures/refresh/")
    assert TaskRun.objects.filter(about="snapshot", started_by=coordinator).count() == 1
    page = client.get("/figures/").content.decode()
    assert "Waiting to start" in page and "Refresh the figures" in page
    assert "Compute the figures now" not in page
    assert latest_snapshot() is None


def test_a_manager_may_read_the_figures_but_not_refresh_them(signed_in_client, manager):
    client = signed_in_client(manager)
    assert client.post("/figures/refresh/").status_code == 404
    assert latest_snapshot() is None
    assert "Ask an analyst" in client.get("/figures/").content.decode()


def test_the_dashboard_shows_the_latest_complete_quarter_and_the_three_before(
    signed_in_client, coordinator
):
    referrals(7, (2022, 5, 10))
    referrals(6, (2023, 2, 1))
    snapshot_refresh(actor=None)
    page = signed_in_client(coordinator).get("/figures/").content.decode()
    assert "four quarters to Q4 22/23" in page
    for quarter in ("Q1 22/23", "Q2 22/23", "Q3 22/23", "Q4 22/23"):
        assert f">{quarter}</th>" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">7</td>' in page
    assert "MARAC referrals, trend: " in page  # the sparkline's text alternative
    assert "Do not publish these figures" in page


def test_the_public_view_suppresses_small_counts(signed_in_client, coordinator, three_referrals):
    client = signed_in_client(coordinator)
    restricted = client.get("/figures/", {"period": "Q1 22/23"}).content.decode()
    public = client.get("/figures/", {"period": "Q1 22/23", "public": "on"}).content.decode()
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    assert cell.format(3) in restricted
    assert cell.format(3) not in public
    assert cell.format("[c]") in public


def test_a_manager_sees_the_figures_as_the_public_edition_shows_them_whatever_is_asked(
    signed_in_client, manager, three_referrals
):
    client = signed_in_client(manager)
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    for query in ({}, {"period": "Q1 22/23"}, {"period": "Q1 22/23", "public": ""}):
        page = client.get("/figures/", query).content.decode()
        assert cell.format("[c]") in page
        assert cell.format(3) not in page
        assert "Do not publish these figures" not in page
        assert 'name="public"' not in page  # nothing to choose


def test_a_quarter_not_offered_is_refused_with_the_choice_shown_again(
    signed_in_client, manager, three_referrals
):
    page = signed_in_client(manager).get("/figures/", {"period": "Q9 99/00"}).content.decode()
    assert "There is a problem" in page
    assert "Select one of the quarters listed" in page
    assert '<option value="Q1 22/23"' in page


def test_viewing_the_dashboard_is_audited(signed_in_client, manager, three_referrals):
    signed_in_client(manager).get("/figures/", {"period": "Q1 22/23"})
    entry = AuditEvent.objects.filter(action="view", object_type="figures").get()
    assert entry.actor == manager
    assert entry.changes["period"] == "Q1 22/23"


def test_a_practitioner_has_no_dashboard_and_the_refusal_is_audited(signed_in_client):
    practitioner = UserFactory(role=role("practitioner"))
    assert signed_in_client(practitioner).get("/figures/").status_code == 404
    assert AuditEvent.objects.filter(actor=practitioner, action="denied").exists()


def test_an_indicators_page_gives_its_definition_and_eight_quarters(
    signed_in_client, coordinator, three_referrals
):
    query = {"period": "Q4 22/23", "snapshot": snapshot_id(three_referrals)}
    page = signed_in_client(coordinator).get("/figures/marac-repeat-rate/", query)
    page = page.content.decode()
    assert "as a percentage of all" in page
    assert page.count('<th scope="row" class="govuk-table__header">Q') == 8
    assert "All records divided by" in page


@pytest.mark.parametrize(
    "address",
    [
        "/figures/no-such-indicator/?period=Q1+22%2F23",
        "/figures/marac-referrals/?period=Q1+22%2F23&snapshot=20200101T000000000000Z",
        "/figures/marac-referrals/?period=Q1+22%2F23&snapshot=..%2F..%2Fetc",
        "/figures/marac-referrals/?period=next+year",
        "/figures/marac-referrals/records/?period=Q1+22%2F23&part=everything",
        "/figures/marac-cases-per-10000-adult-women/records/?period=Q1+22%2F23&part=denominator",
    ],
)
def test_a_guessed_or_broken_address_is_not_found(
    signed_in_client, coordinator, address, three_referrals
):
    assert signed_in_client(coordinator).get(address).status_code == 404


def test_the_coordinator_drills_down_to_the_cases_and_the_viewing_is_audited(
    signed_in_client, coordinator
):
    (case,) = referrals(1)
    snapshot = snapshot_refresh(actor=None)
    query = {"period": "Q1 22/23", "snapshot": snapshot_id(snapshot)}
    page = signed_in_client(coordinator).get("/figures/marac-referrals/records/", query)
    assert case.reference in page.content.decode()
    assert str(case.subject) in page.content.decode()
    entry = AuditEvent.objects.filter(object_id="marac-referrals").get()
    assert entry.changes["records_shown"] == [str(case.pk)]


def test_a_coordinator_of_another_panel_sees_how_many_records_but_no_names(signed_in_client):
    (case,) = referrals(1)
    snapshot = snapshot_refresh(actor=None)
    vve_coordinator = UserFactory(role=role("vve_coordinator"))  # SIRM cases, not MARAC ones
    query = {"period": "Q1 22/23", "snapshot": snapshot_id(snapshot)}
    page = signed_in_client(vve_coordinator).get("/figures/marac-referrals/records/", query)
    text = page.content.decode()
    assert "1 of them is not listed" in text
    assert case.reference not in text
    assert str(case.subject) not in text
    entry = AuditEvent.objects.filter(object_id="marac-referrals").get()
    assert entry.changes["records_not_shown"] == 1


def test_a_manager_has_no_numerators_and_no_drill_down_and_the_refusal_is_audited(
    signed_in_client, manager, three_referrals
):
    client = signed_in_client(manager)
    query = {"period": "Q1 22/23", "snapshot": snapshot_id(three_referrals)}
    page = client.get("/figures/marac-referrals/", query).content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">[c]</td>' in page
    assert "Numerator" not in page
    assert "/records/" not in page
    assert client.get("/figures/marac-referrals/records/", query).status_code == 404
    denied = AuditEvent.objects.get(actor=manager, action="denied")
    assert denied.object_type == "restricted_figures"


def test_an_indicators_page_breaks_the_quarter_down_by_referring_agency(
    signed_in_client, coordinator, three_referrals
):
    query = {"period": "Q1 22/23", "snapshot": snapshot_id(three_referrals)}
    page = signed_in_client(coordinator).get("/figures/marac-referrals/", query).content.decode()
    assert "<title>MARAC referrals \u2013 Casebridge</title>" in page
    assert "By referring agency, Q1 22/23" in page
    assert '<th scope="row" class="govuk-table__header">Police</th>' in page


def test_without_the_restricted_figures_the_categories_are_left_to_the_board_report(
    signed_in_client, manager, three_referrals
):
    query = {"period": "Q1 22/23", "snapshot": snapshot_id(three_referrals)}
    page = signed_in_client(manager).get("/figures/marac-referrals/", query).content.decode()
    assert "By referring agency" not in page  # cell by cell, it would give small counts away
    assert "published in the board report's tables" in page


def test_a_reoffending_figure_not_yet_known_says_so_rather_than_nought(
    signed_in_client, manager, three_referrals
):
    query = {"period": "Q4 22/23", "snapshot": snapshot_id(three_referrals)}
    page = signed_in_client(manager).get("/figures/yj-reoffending-binary-rate/", query)
    content = page.content.decode()
    assert content.count("not yet known. Its follow-up and waiting period end") == 8
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">0</td>' not in content


def test_a_rates_page_says_which_mid_year_estimate_each_quarter_divides_by(
    signed_in_client, coordinator, manager, three_referrals
):
    query = {"period": "Q4 22/23", "snapshot": snapshot_id(three_referrals)}
    address = "/figures/marac-cases-per-10000-adult-women/"
    page = signed_in_client(coordinator).get(address, query).content.decode()
    assert "the year in which the financial year starts" in page
    q4 = page[page.index(">Q4 22/23</th>") : page.index("</tr>", page.index(">Q4 22/23</th>"))]
    assert "(mid-2022)" in q4  # January to March 2023, in the financial year begun in 2022
    public = signed_in_client(manager).get(address, query).content.decode()
    assert "Mid-2022 estimate" in public


def test_a_reoffending_rates_page_shows_the_cohorts_reported_for_the_quarter(
    signed_in_client, coordinator, three_referrals
):
    query = {"period": "Q4 22/23", "snapshot": snapshot_id(three_referrals)}
    page = signed_in_client(coordinator).get("/figures/iom-reoffending-binary-rate/", query)
    content = page.content.decode()
    assert "For Q4 22/23: 12m to 2021-09." in content
    assert "Trend, eight periods to 12m to 2021-09" in content
    assert ">Q4 22/23</th>" not in content


def test_an_indicators_page_is_for_a_quarter(signed_in_client, coordinator, three_referrals):
    query = {"period": "12m to 2022-06"}
    assert signed_in_client(coordinator).get("/figures/marac-referrals/", query).status_code == 404
