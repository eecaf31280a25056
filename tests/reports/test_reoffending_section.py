"""The board report's reducing reoffending section: cohort columns, comparisons with similar
areas, and the action plan as it stood at the end of the quarter."""

from datetime import date, datetime

import pytest
import time_machine

from casebridge.analytics.periods import parse_period
from casebridge.analytics.presentation import NOT_YET_KNOWN
from casebridge.plans.models import Commitment
from casebridge.plans.services import commitment_update
from casebridge.reports.board import RESTRICTED, build_report
from casebridge.reports.render import report_html
from tests.analytics.fixtures import court_outcome, engine_for
from tests.factories import PersonFactory, UserFactory, role
from tests.plans.factories import ActionPlanFactory, CommitmentFactory

pytestmark = pytest.mark.django_db
Q2 = parse_period("Q2 22/23")


def _section(report):
    return next(section for section in report.sections if section.title == "Reducing reoffending")


def _table(section, title):
    return next(table for table in section.tables if table.title.startswith(title))


@pytest.mark.same_on_either_database
def test_reoffending_cohorts_end_six_quarters_before_the_reports_quarter(no_records):
    section = _section(build_report(engine=no_records, period=Q2, edition=RESTRICTED))
    cohorts = _table(section, "Proven reoffending")
    assert [c.label for c in cohorts.columns] == [
        "12m to 2020-06",
        "12m to 2020-09",
        "12m to 2020-12",
        "12m to 2021-03",
    ]
    assert "6 more months" in cohorts.note
    first_time = _table(section, "Youth justice first-time entrants")
    assert first_time.columns[-1].label == "12m to 2022-09"


@pytest.mark.same_on_either_database
def test_a_cohort_the_records_do_not_yet_cover_is_not_yet_known_not_nought(no_records):
    section = _section(build_report(engine=no_records, period=Q2, edition=RESTRICTED))
    rates = _table(section, "Proven reoffending").rows
    binary = next(row for row in rates if row.indicator.id == "yj-reoffending-binary-rate")
    assert binary.cells == [NOT_YET_KNOWN] * 4 and binary.values == [None] * 4


@pytest.mark.same_on_either_database
def test_the_youth_reoffending_rate_is_set_beside_the_family_lowest_first(no_records):
    report = build_report(engine=no_records, period=Q2, edition=RESTRICTED)
    (comparison, _) = _section(report).comparisons
    areas = [other.area for other, _ in comparison.others]
    assert areas[:2] == ["Milton Keynes", "Reading"] and areas[-1] == "Redbridge"
    assert comparison.others[0][1] == "22.3%" and comparison.period.label == "12m to 2021-03"
    html = report_html(report)
    assert (
        "Youth Justice Board proven reoffending data" in html
        and "published 4 November 2022" in html
    )


def test_the_action_plan_shows_each_commitment_as_it_stood_at_the_quarters_end(tmp_path):
    coordinator = UserFactory(role=role("panel_coordinator"))
    plan = ActionPlanFactory(code="london-blueprint")
    with time_machine.travel(datetime(2022, 4, 1, 10, 0), tick=False):
        late = CommitmentFactory(plan=plan, reference="1.1", due_on=date(2022, 6, 30))
        done = CommitmentFactory(plan=plan, reference="1.2", due_on=date(2022, 12, 31))
    with time_machine.travel(datetime(2022, 8, 1, 10, 0), tick=False):
        commitment_update(actor=coordinator, commitment=done, status="on_track", note="Begun.")
    with time_machine.travel(datetime(2022, 10, 3, 10, 0), tick=False):  # after Q2 ended
        commitment_update(actor=coordinator, commitment=late, status="done", note="Finished.")
        CommitmentFactory(plan=plan, reference="1.3")
    section = _section(build_report(engine=engine_for(tmp_path), period=Q2, edition=RESTRICTED))
    (table,) = section.plans
    standing = {s.commitment.reference: s for s in table.standings}
    assert set(standing) == {"1.1", "1.2"}  # 1.3 was made after the quarter
    assert (standing["1.1"].status, standing["1.1"].overdue) == ("not_started", True)
    assert (standing["1.2"].status, standing["1.2"].overdue) == ("on_track", False)
    assert Commitment.objects.get(pk=late.pk).status == "done"  # today's status is not the report's
    assert table.summary == "2 commitments: 1 not started, 1 on track; 1 overdue."


def test_without_the_plan_the_report_says_so(no_records):
    section = _section(build_report(engine=no_records, period=Q2, edition=RESTRICTED))
    (table,) = section.plans
    assert table.standings == [] and "No commitments" in table.summary


@pytest.mark.same_on_either_database
def test_the_narrative_takes_the_latest_cohort_whose_follow_up_is_complete(no_records):
    section = _section(build_report(engine=no_records, period=Q2, edition=RESTRICTED))
    # With nothing known, it says so rather than printing a number.
    assert "whose follow-up is complete: Not yet known." in section.narrative[1]
    assert "whose follow-up is complete: Not yet known." in section.narrative[2]


@pytest.mark.same_on_either_database
def test_the_narrative_names_the_latest_cohort_known_not_one_still_in_follow_up(tmp_path):
    young = PersonFactory(date_of_birth=date(2005, 1, 1), sex="male")
    # Convicted with a community order on 10 September 2020 (his index date), and again for an
    # offence committed that December: he reoffended.
    court_outcome(young, date(2020, 9, 10), sentence="community_order", offence_on=date(2020, 8, 1))
    court_outcome(young, date(2021, 2, 1), sentence="fine", offence_on=date(2020, 12, 1))
    # The records reach 1 August 2022: the cohort to December 2020 is known (its waiting period
    # ended on 30 June 2022), the cohort to March 2021 is not (30 September 2022).
    court_outcome(PersonFactory(), date(2022, 8, 1), offence_on=date(2022, 7, 1))
    section = _section(build_report(engine=engine_for(tmp_path), period=Q2, edition=RESTRICTED))
    rates = _table(section, "Proven reoffending").rows
    binary = next(row for row in rates if row.indicator.id == "yj-reoffending-binary-rate")
    assert binary.cells[2:] == ["100.0%", NOT_YET_KNOWN]
    assert "whose follow-up is complete: 100.0%." in section.narrative[2]
    (beside_the_family, _) = section.comparisons
    assert (beside_the_family.period.label, beside_the_family.ours) == ("12m to 2020-12", "100.0%")
