"""The board report's serious-violence and exploitation sections, regenerated from hand-built
records: their tables, breakdowns and narrative, in both editions."""

import re
from datetime import date

import pytest

from casebridge.analytics.disclosure import SUPPRESSED
from casebridge.analytics.engine import stored_engine
from casebridge.analytics.periods import parse_period
from casebridge.reports.board import PUBLIC, RESTRICTED, build_report
from casebridge.reports.render import report_html
from tests.analytics.fixtures import at, snapshot_of
from tests.analytics.violence_fixtures import (
    exploitation_assessment,
    incident,
    meeting,
    missing_episode,
    nrm_referral,
    on_agenda,
    sav_referral,
    sirm_proposal,
    victim_referral,
    youth_on,
)
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.same_on_either_database]
Q2 = parse_period("Q2 22/23")
VIOLENCE, EXPLOITATION = "Serious youth and adult violence", "Vulnerability and exploitation"


def _records():
    """In Q2 22/23: six knife-enabled offences (three injuring the victim), five of them against
    victims aged 15 to 19; two SIRMs held and a cancelled one, one community-impact meeting; six
    SAV referrals, one person on two agendas; two Victim Coordinator referrals from a SIRM.
    Seven NRM referrals, six for county lines; one girl missing three times."""
    for n, years in enumerate((15, 16, 17, 17, 19, 30)):
        when = date(2022, 8, n + 1)
        incident(
            at(2022, 8, n + 1),
            weapon="knife",
            injury="injury" if n % 2 else "none",
            victim_born=youth_on(when, years),
            ward="Burnt Oak" if n < 4 else "Colindale",
        )
    incident(at(2022, 5, 1), weapon="knife")  # Q1
    first = meeting("sirm", at(2022, 8, 2))
    meeting("sirm", at(2022, 8, 9))
    meeting("sirm", at(2022, 8, 16), status="cancelled")
    meeting("sirm", at(2022, 8, 5), follows=first)
    for day in (1, 8):
        sirm_proposal(at(2022, 8, day), status="convened")
    regular = sav_referral(at(2022, 7, 1), age=22, gang=True)
    for day in (2, 3, 4, 5, 6):
        sav_referral(at(2022, 7, day), age=20 + day, referrer="police" if day == 2 else "probation")
    july, august = meeting("sav", at(2022, 7, 14)), meeting("sav", at(2022, 8, 11))
    on_agenda(july, regular)
    on_agenda(august, regular)
    for _ in range(2):
        victim_referral(at(2022, 8, 3), from_meeting=first)
    for day in range(1, 8):
        nrm_referral(date(2022, 9, day), county_lines=day != 7)
    girl = PersonFactory(date_of_birth=date(2007, 3, 1))
    for day in (1, 8, 15):
        missing_episode(girl, at(2022, 8, day), returned_at=at(2022, 8, day + 1))
    exploitation_assessment("child-sexual-exploitation-risk", at(2022, 8, 20), "high", girl)


@pytest.fixture(scope="module")
def violence_records(django_db_setup, django_db_blocker, tmp_path_factory):
    """An engine over a snapshot of ``_records``, the module's tests sharing its measures."""
    with django_db_blocker.unblock():
        snapshot = snapshot_of(_records, tmp_path_factory.mktemp("violence-records"))
    return stored_engine(snapshot)


def _section(report, title):
    return next(section for section in report.sections if section.title == title)


def _cells(section, indicator_id):
    return next(
        row.cells
        for table in section.tables
        for row in table.rows
        if row.indicator.id == indicator_id
    )


def test_the_sections_come_after_domestic_abuse_and_before_reducing_reoffending(no_records):
    report = build_report(engine=no_records, period=Q2, edition=RESTRICTED)
    assert [section.title for section in report.sections] == [
        "Domestic abuse and violence against women and girls",
        VIOLENCE,
        EXPLOITATION,
        "Reducing reoffending",
    ]


def test_the_violence_tables_show_four_quarters_of_the_figures(violence_records):
    report = build_report(engine=violence_records, period=Q2, edition=RESTRICTED)
    violence = _section(report, VIOLENCE)
    assert _cells(violence, "knife-enabled-offences") == ["0", "0", "1", "6"]
    assert _cells(violence, "knife-enabled-offences-injury-rate")[-1] == "50.0%"
    assert _cells(violence, "serious-youth-violence-incidents")[-1] == "5"
    assert _cells(violence, "sirms-held")[-1] == "2"
    assert _cells(violence, "community-impact-meetings")[-1] == "1"
    assert _cells(violence, "sav-individuals-discussed")[-1] == "1"
    assert _cells(violence, "sav-new-referrals")[-1] == "6"
    assert _cells(violence, "sav-referrals-by-probation-share")[-1] == "83.3%"
    assert _cells(violence, "victim-coordinator-referrals-from-panels")[-1] == "2"


def test_the_narratives_take_their_numbers_from_the_indicators(violence_records):
    report = build_report(engine=violence_records, period=Q2, edition=RESTRICTED)
    violence, exploitation = _section(report, VIOLENCE), _section(report, EXPLOITATION)
    assert violence.narrative[0] == (
        "In Q2 22/23 the police recorded 6 knife-enabled offences; 50.0% of them resulted in an "
        "injury."
    )
    assert "2 SIRMs were held, and 1 community-impact meetings" in violence.narrative[2]
    assert exploitation.narrative[1].startswith(
        "1 children and young people were reported missing from home or care, in 3 missing episodes"
    )
    assert (
        "7 young people were referred to the National Referral Mechanism"
        in (exploitation.narrative[2])
    )
    assert "85.7% of them linked to county lines" in exploitation.narrative[2]
    text = " ".join(violence.narrative + exploitation.narrative)
    assert not re.search(r"\{[a-z0-9-]+\}", text)


def test_the_public_edition_hides_the_small_counts_of_these_sections(violence_records):
    # Counts from 1 to 4 suppressed (the definition's 1 to 7 would hide all of these), the rest
    # rounded to the nearest 5, rates worked out from the counts unrounded.
    report = build_report(engine=violence_records, period=Q2, edition=PUBLIC, threshold=5)
    violence, exploitation = _section(report, VIOLENCE), _section(report, EXPLOITATION)
    assert _cells(violence, "knife-enabled-offences")[-1] == "5"  # 6
    assert _cells(violence, "knife-enabled-offences-injury-rate")[-1] == SUPPRESSED  # 3 injured
    assert _cells(violence, "sirms-held")[-1] == SUPPRESSED
    assert _cells(exploitation, "missing-children")[-1] == SUPPRESSED
    assert _cells(exploitation, "nrm-referrals")[-1] == "5"  # 7
    assert _cells(exploitation, "nrm-county-lines-share")[-1] == "85.7%"  # 6 of 7


def test_breakdowns_tabulate_victims_by_age_and_knife_offences_by_ward(violence_records):
    report = build_report(engine=violence_records, period=Q2, edition=RESTRICTED)
    tables = {table.title: table for table in _section(report, VIOLENCE).breakdowns}
    ages = tables["Serious youth violence by the victim's age"]
    assert ages.rows == [("15-17", ["0", "0", "0", "4"], "4"), ("18-19", ["0", "0", "0", "1"], "1")]
    wards = tables["Knife-enabled offences by ward"]
    assert wards.rows[:2] == [
        ("Burnt Oak", ["0", "0", "0", "4"], "4"),
        ("Colindale", ["0", "0", "0", "2"], "2"),
    ]
    assert wards.column_totals == ["0", "0", "1", "6"]  # Q1's offence had no ward recorded
    nrm = next(t for t in _section(report, EXPLOITATION).breakdowns if t.title.startswith("NRM"))
    assert nrm.rows == [("Criminal exploitation", ["0", "0", "0", "7"], "7")]


def test_the_sections_render_in_the_html_report(violence_records):
    html = report_html(build_report(engine=violence_records, period=Q2))
    assert f'">{VIOLENCE}</h2>' in html and f'">{EXPLOITATION}</h2>' in html
    assert "Knife-enabled offences by ward" in html and "SIRMs by quarter" in html
    assert "Serious youth violence incidents" in html
