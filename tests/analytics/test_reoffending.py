"""The Ministry of Justice proven reoffending measure: who is in a period's cohort, which later
offences count, and a cohort whose follow-up has not matured reported as not yet known."""

from datetime import date

import pytest

from casebridge.analytics.periods import parse_period
from casebridge.analytics.presentation import NOT_YET_KNOWN, format_value, shown_value
from tests.analytics.cohort_snapshot import engine_of, event, indicator

Q4, Q1 = parse_period("Q4 21/22"), parse_period("Q1 22/23")
# Proven events reach past the Q1 cohort's last waiting day (30 December 2023).
REACH = event("someone-else", "conviction_custody", date(2024, 1, 1), offence_on=date(2023, 1, 1))
YOUTH = {"age": {"gte": 10, "lte": 17}}
ADULT = {"age": {"gte": 18}}


def measure(count: str, **more) -> dict:
    return {"reoffending": {"count": count, **more.pop("months", {})}, **more}


def counts(engine, period=Q1, **more) -> tuple:
    return tuple(
        engine.figure(indicator("count", measure(count, **dict(more))), period).value
        for count in ("offenders", "reoffenders", "reoffences")
    )


def test_an_offence_in_the_follow_up_counts_if_proven_by_the_waiting_periods_last_day(tmp_path):
    # Index 1 April 2022: follow-up to 1 April 2023, waiting period to 1 October 2023.
    events = [
        event("a", "caution", date(2022, 4, 1)),
        event("a", "conviction_custody", date(2023, 10, 1), offence_on=date(2023, 3, 1)),
        event("b", "caution", date(2022, 4, 1)),
        event("b", "conviction_custody", date(2023, 10, 2), offence_on=date(2023, 3, 1)),
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    assert counts(engine) == (2, 1, 1)


def test_the_follow_up_starts_the_day_after_the_index_date_and_ends_on_its_anniversary(tmp_path):
    events = [
        event("a", "caution", date(2022, 4, 1)),  # the period's first day: in its cohort
        event("a", "conviction_custody", date(2022, 5, 1), offence_on=date(2022, 4, 1)),
        event("a", "conviction_custody", date(2023, 5, 1), offence_on=date(2023, 4, 1)),
        event("a", "conviction_custody", date(2023, 5, 1), offence_on=date(2023, 4, 2)),
        event("b", "caution", date(2022, 3, 31)),  # the day before: the previous quarter's
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    assert counts(engine) == (1, 1, 1)  # only the offence on the anniversary
    assert counts(engine, period=Q4)[0] == 1


def test_a_juvenile_turning_18_during_the_follow_up_stays_in_the_youth_cohort(tmp_path):
    events = [
        event("a", "caution", date(2022, 5, 1), age=17),
        event("a", "conviction_custody", date(2022, 12, 1), offence_on=date(2022, 11, 1), age=18),
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    assert counts(engine, where=YOUTH) == (1, 1, 1)
    assert counts(engine, where=ADULT) == (0, 0, 0)


def test_the_index_date_is_the_first_index_event_in_the_period(tmp_path):
    events = [
        event("a", "caution", date(2022, 4, 10), age=17),
        # A second index event in the period is a proven reoffence, not a second index date,
        # and the person's age at it does not put them in the adult cohort too.
        event(
            "a", "conviction_non_custodial", date(2022, 6, 1), offence_on=date(2022, 5, 1), age=18
        ),
        # Committed before the index date: not a reoffence, however late it is proven.
        event("a", "conviction_custody", date(2022, 8, 1), offence_on=date(2022, 4, 5), age=18),
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    assert counts(engine, where=YOUTH) == (1, 1, 1)
    assert counts(engine, where=ADULT) == (0, 0, 0)


def test_releases_from_custody_are_index_events_and_arrests_prove_nothing(tmp_path):
    events = [
        event("a", "custody_release", date(2022, 6, 30)),
        event("a", "arrest", date(2022, 8, 1)),
        event("a", "recorded_offence", date(2022, 8, 1)),
        event("b", "arrest", date(2022, 5, 1)),  # not an index event: not in the cohort
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    assert counts(engine) == (1, 0, 0)


def test_follow_up_and_waiting_months_are_the_definitions_to_choose(tmp_path):
    events = [
        event("a", "caution", date(2022, 4, 1)),
        event("a", "conviction_custody", date(2022, 7, 1), offence_on=date(2022, 6, 1)),
        event("a", "conviction_custody", date(2022, 8, 1), offence_on=date(2022, 7, 2)),
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    short = {"follow_up_months": 3, "waiting_months": 0}
    assert counts(engine, months=short) == (1, 1, 1)
    assert counts(engine) == (1, 1, 2)


def test_binary_rate_and_frequency_rates(tmp_path):
    events = [event(person, "caution", date(2022, 4, 5)) for person in "abcd"]
    events += [
        event("a", "conviction_custody", date(2022, 9, 1), offence_on=date(2022, 8, 1)),
        event("a", "caution", date(2022, 10, 1), offence_on=date(2022, 9, 1)),
        event("a", "caution", date(2022, 11, 1), offence_on=date(2022, 10, 1)),
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    binary = indicator("percent", measure("reoffenders"), measure("offenders"))
    per_reoffender = indicator("ratio", measure("reoffences"), measure("reoffenders"))
    per_offender = indicator("ratio", measure("reoffences"), measure("offenders"))
    assert engine.figure(binary, Q1).value == 25.0
    assert engine.figure(per_reoffender, Q1).value == 3.0
    assert engine.figure(per_offender, Q1).value == 0.75
    assert format_value(per_offender, 0.75) == "0.8"


def test_each_period_has_its_own_cohort_in_one_computation(tmp_path):
    events = [
        event("a", "caution", date(2022, 3, 1)),
        event("a", "caution", date(2022, 5, 1), offence_on=date(2022, 4, 20)),
        event("b", "caution", date(2022, 6, 1)),
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    figures = engine.figures([indicator("count", measure("reoffenders"))], [Q4, Q1])
    offenders = engine.figures([indicator("count", measure("offenders"))], [Q4, Q1])
    assert [figure.value for figure in figures] == [1, 0]
    assert [figure.value for figure in offenders] == [1, 2]  # a reoffence can be an index


def test_a_cohort_whose_waiting_period_has_not_ended_in_the_data_is_not_yet_known(tmp_path):
    events = [
        event("a", "caution", date(2022, 4, 1)),
        event("a", "caution", date(2022, 9, 1), offence_on=date(2022, 8, 1)),
        # The latest proven event: a day short of Q1's last waiting day (30 December 2023).
        event("c", "conviction_custody", date(2023, 12, 29), offence_on=date(2023, 1, 1)),
    ]
    engine = engine_of(tmp_path, justice_events=events)
    rate = indicator("percent", measure("reoffenders"), measure("offenders"))
    figure = engine.figure(rate, Q1)
    assert figure.value is None and figure.matures_on == date(2023, 12, 30)
    assert figure.numerator == 0 and figure.records == 0
    assert shown_value(rate, figure, public=False) == NOT_YET_KNOWN
    assert shown_value(rate, figure, public=True) == NOT_YET_KNOWN  # not suppressed either
    reoffenders = indicator("count", measure("reoffenders"))
    assert shown_value(reoffenders, engine.figure(reoffenders, Q1), public=False) == NOT_YET_KNOWN
    # The cohort itself is known at the period's end.
    offenders = engine.figure(indicator("count", measure("offenders")), Q1)
    assert (offenders.value, offenders.matures_on) == (1, None)


def test_the_figure_is_known_once_the_data_reach_the_waiting_periods_last_day(tmp_path):
    events = [
        event("a", "caution", date(2022, 4, 1)),
        event("a", "caution", date(2022, 9, 1), offence_on=date(2022, 8, 1)),
        event("c", "conviction_custody", date(2023, 12, 30), offence_on=date(2023, 1, 1)),
    ]
    engine = engine_of(tmp_path, justice_events=events)
    figure = engine.figure(indicator("percent", measure("reoffenders"), measure("offenders")), Q1)
    assert (figure.value, figure.matures_on) == (100.0, None)


def test_with_no_proven_events_at_all_no_cohort_has_matured(tmp_path):
    engine = engine_of(tmp_path, justice_events=[event("a", "custody_release", date(2022, 4, 1))])
    figure = engine.figure(indicator("count", measure("reoffenders")), Q1)
    assert figure.value is None and figure.matures_on is not None


@pytest.mark.parametrize("sex, expected", [("female", (1, 1, 1)), ("male", (1, 0, 0))])
def test_the_cohorts_conditions_are_tested_on_the_index_event(tmp_path, sex, expected):
    events = [
        event("w", "caution", date(2022, 4, 3), sex="female"),
        event("w", "caution", date(2022, 7, 3), offence_on=date(2022, 7, 1), sex="female"),
        event("m", "caution", date(2022, 4, 3), sex="male"),
    ]
    engine = engine_of(tmp_path, justice_events=[*events, REACH])
    assert counts(engine, where={"sex": sex}) == expected
