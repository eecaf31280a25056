"""The full indicator set, and every declared breakdown, gives the same values on Spark as on
DuckDB, from one snapshot: the measures of people, and the serious-violence and exploitation
figures (distinct counts and breakdowns included), each from records of their own. One module,
so that one worker starts one Spark session for them all."""

from datetime import date

import pytest
from django.db import connection

from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import Period, parse_period
from casebridge.analytics.registry import Indicator, registry
from casebridge.analytics.snapshot import take_snapshot
from casebridge.incidents.models import Incident
from casebridge.panels.models import Meeting
from casebridge.pathways.models import MaracReferral
from tests.analytics.cohort_snapshot import engine_of, event
from tests.analytics.fixtures import at, marac_referral, pathway_case
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
from tests.factories import AgencyFactory, PersonFactory
from tests.refuges.factories import RefugeFactory, StayFactory, add_child

pytestmark = [
    pytest.mark.django_db,
    # The engines read the same Parquet snapshot whichever database it came from: comparing
    # them once is enough, and a Spark session costs half a minute. Once in the PostgreSQL run:
    # `make test` runs the two side by side, and the SQLite run has the more tests (it alone
    # runs the database-free ones), so this keeps the two about even.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="engine parity is checked in the PostgreSQL run"
    ),
]
VIOLENCE = "Violence, vulnerability and exploitation"


def _records() -> None:
    police = AgencyFactory(kind="police")
    for month, repeat, children in ((1, False, 2), (4, True, 0), (5, False, 1), (9, False, 3)):
        marac_referral(at(2022, month, 3), repeat=repeat, children=children)
    marac_referral(at(2022, 6, 4), relationship="family", referrer=AgencyFactory(kind="health"))
    marac_referral(at(2022, 5, 8), referrer=AgencyFactory(kind="charity"))
    for month in (2, 4, 7):
        Incident.objects.create(
            reporting_agency=police,
            reference=f"CAD-{month}",
            category=Incident.Category.DOMESTIC_ABUSE,
            domestic_abuse=True,
            occurred_at=at(2022, month, 9),
            victim=PersonFactory(),
        )
    for month, outcome in ((5, "charge_summons"), (6, "evidential_difficulties"), (8, "")):
        Incident.objects.create(
            reporting_agency=police,
            reference=f"CRIS-{month}",
            category=Incident.Category.VIOLENCE_WITH_INJURY,
            domestic_abuse=True,
            occurred_at=at(2022, month, 10),
            victim=PersonFactory(),
            outcome=outcome,
            outcome_on=at(2022, month, 20).date() if outcome else None,
        )
    child_to_parent = marac_referral(at(2022, 7, 5), relationship="child_to_parent")
    MaracReferral.objects.filter(case=child_to_parent).update(
        mental_health_need=True, alcohol_need=True, drugs_need=True
    )
    pathway_case("idva", at(2022, 4, 2), ("active", at(2022, 4, 5)), ("closed", at(2022, 8, 1)))
    pathway_case("idva", at(2022, 5, 2), ("declined", at(2022, 5, 6)))
    pathway_case("sanctuary", at(2022, 5, 1), ("surveyed", at(2022, 5, 20)))
    pathway_case(
        "pp-adult",
        at(2021, 12, 1),
        ("engaged", at(2022, 1, 4)),
        ("in_programme", at(2022, 2, 1)),
        ("completed", at(2022, 7, 1)),
    )
    stay = StayFactory(refuge=RefugeFactory(), arrived_on=at(2022, 3, 1).date())
    add_child(stay, PersonFactory())


def _breakdowns(engine: Engine, indicators: list[Indicator], periods: list[Period]) -> list:
    return [
        figure
        for indicator in indicators
        for by in indicator.breakdowns
        for period in periods
        for figure in engine.breakdown(indicator, period, by)
    ]


def test_every_indicator_has_the_same_value_on_spark_as_on_duckdb(tmp_path, spark):
    _records()
    snapshot = take_snapshot(directory=tmp_path)
    periods = parse_period("Q3 22/23").previous_quarters(4)
    # The measures of people, and the violence and exploitation figures, have records of their
    # own in the tests built for them.
    own_records = {"Reducing reoffending", "Violence, vulnerability and exploitation"}
    indicators = [i for i in registry().values() if i.section not in own_records]
    duckdb_engine = Engine(snapshot=snapshot)
    on_duckdb = duckdb_engine.figures(indicators, periods)
    by_duckdb = _breakdowns(duckdb_engine, indicators, periods)
    spark_engine = Engine(snapshot=snapshot, connection=spark)
    on_spark = spark_engine.figures(indicators, periods)
    by_spark = _breakdowns(spark_engine, indicators, periods)
    assert len(on_duckdb) == len(indicators) * 4
    assert any(figure.numerator for figure in on_duckdb)  # the fixture exercises the set
    assert len({figure.category for figure in by_duckdb}) >= 3  # and the breakdowns
    for duck, spark in zip(on_duckdb + by_duckdb, on_spark + by_spark, strict=True):
        assert (spark.indicator, spark.period) == (duck.indicator, duck.period)
        assert spark.category == duck.category, duck
        assert spark.records == duck.records, duck
        assert spark.numerator == duck.numerator, duck
        assert spark.denominator == duck.denominator, duck
        assert spark.value == pytest.approx(duck.value), duck


def test_reoffending_and_around_measures_have_the_same_values_on_spark(tmp_path, spark):
    events = [
        event("a", "caution", date(2022, 4, 1), age=17),
        event("a", "conviction_custody", date(2023, 10, 1), offence_on=date(2023, 3, 31), age=18),
        event("a", "recorded_offence", date(2022, 2, 28)),
        event("b", "custody_release", date(2022, 8, 31)),
        event("b", "caution", date(2023, 2, 28), offence_on=date(2023, 1, 31)),
        event("c", "conviction_non_custodial", date(2022, 12, 31), sex="female"),
        event("z", "conviction_custody", date(2024, 6, 1)),
    ]
    case = {"case_id": "c1", "pathway": "iom", "person_id": "a"}
    state = {"case_id": "c1", "pathway": "iom", "state": "statutory"}
    engine_args = {"cases": [case], "case_states": [state | {"entered_on": date(2022, 5, 31)}]}
    duckdb_engine = engine_of(tmp_path, justice_events=events, **engine_args)
    indicators = [i for i in registry().values() if i.section == "Reducing reoffending"]
    periods = parse_period("Q4 22/23").previous_quarters(4)
    on_duckdb = duckdb_engine.figures(indicators, periods)
    on_spark = Engine(snapshot=duckdb_engine.snapshot, connection=spark).figures(
        indicators, periods
    )
    assert any(figure.numerator for figure in on_duckdb)
    for duck, spark in zip(on_duckdb, on_spark, strict=True):
        assert (spark.numerator, spark.denominator, spark.matures_on) == (
            duck.numerator,
            duck.denominator,
            duck.matures_on,
        ), duck
        assert spark.value == pytest.approx(duck.value), duck


def _violence_records() -> None:
    for month, years, ward in ((7, 16, "Burnt Oak"), (8, 19, "Colindale"), (10, 30, "")):
        day = date(2022, month, 3)
        incident(
            at(2022, month, 3),
            weapon="knife",
            injury="injury",
            victim_born=youth_on(day, years),
            ward=ward,
        )
    sirm = meeting("sirm", at(2022, 7, 5))
    meeting("sirm", at(2022, 7, 9), follows=sirm)
    sirm_proposal(at(2022, 7, 4))
    twice = sav_referral(at(2022, 6, 1), gang=True)
    for month in (7, 8):
        on_agenda(meeting("sav", at(2022, month, 14)), twice)
    on_agenda(meeting("sav", at(2022, 9, 8), status=Meeting.Status.CANCELLED), twice)
    sav_referral(at(2022, 8, 2), age=22, referrer="police")
    victim_referral(at(2022, 7, 6), from_meeting=sirm)
    girl = PersonFactory(date_of_birth=date(2007, 3, 1))
    exploitation_assessment("child-sexual-exploitation-risk", at(2022, 7, 1), "high", girl)
    exploitation_assessment("child-sexual-exploitation-risk", at(2022, 8, 1), "medium", girl)
    for day in (1, 9):
        missing_episode(girl, at(2022, 8, day), returned_at=at(2022, 8, day + 1))
    nrm_referral(date(2022, 9, 1), county_lines=True)


def test_the_violence_and_exploitation_figures_agree_on_spark(tmp_path, spark):
    _violence_records()
    snapshot = take_snapshot(directory=tmp_path)
    indicators = [i for i in registry().values() if i.section == VIOLENCE]
    periods = parse_period("Q3 22/23").previous_quarters(4)
    on_duckdb, on_spark = Engine(snapshot=snapshot), Engine(snapshot=snapshot, connection=spark)

    def everything(engine: Engine) -> list:
        figures = engine.figures(indicators, periods)
        return figures + [
            figure
            for indicator in indicators
            for by in indicator.breakdowns
            for period in periods
            for figure in engine.breakdown(indicator, period, by)
        ]

    duck, spark_figures = everything(on_duckdb), everything(on_spark)
    assert sum(1 for figure in duck if figure.numerator) >= 20  # the records exercise the set
    for expected, found in zip(duck, spark_figures, strict=True):
        assert (found.indicator, found.period, found.category) == (
            expected.indicator,
            expected.period,
            expected.category,
        )
        assert (found.numerator, found.denominator, found.records) == (
            expected.numerator,
            expected.denominator,
            expected.records,
        ), expected
        assert found.value == pytest.approx(expected.value), expected
