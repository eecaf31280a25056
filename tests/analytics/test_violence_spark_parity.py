"""The serious-violence and exploitation figures, distinct counts and breakdowns included, give
the same values on Spark as on DuckDB from one snapshot."""

from datetime import date

import pytest
from django.db import connection

from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.analytics.snapshot import take_snapshot
from casebridge.panels.models import Meeting
from tests.analytics.fixtures import at
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

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="engine parity is checked in the SQLite run"
    ),
]
SECTION = "Violence, vulnerability and exploitation"


def _records() -> None:
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
    _records()
    snapshot = take_snapshot(directory=tmp_path)
    indicators = [i for i in registry().values() if i.section == SECTION]
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
