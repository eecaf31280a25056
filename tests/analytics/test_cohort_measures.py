"""The measures the reducing-reoffending figures are built from: tests with several operators, a
people filter, offences before and after adoption, and ratios."""

from datetime import date

from casebridge.analytics.periods import parse_period
from casebridge.analytics.presentation import NOT_YET_KNOWN, format_value, shown_value
from casebridge.analytics.selectors import DENOMINATOR, NUMERATOR, has_records
from tests.analytics.cohort_snapshot import engine_of, event, indicator

Q1 = parse_period("Q1 22/23")
IOM = {"pathway": "iom", "state": ["statutory", "non_statutory"]}


def value(engine, numerator, denominator=None, unit="count"):
    return engine.figure(indicator(unit, numerator, denominator), Q1).value


def iom_case(case: str, person: str, entered: date, left: date | None = None) -> tuple:
    return (
        {"case_id": case, "pathway": "iom", "person_id": person},
        {
            "case_id": case,
            "pathway": "iom",
            "state": "statutory",
            "entered_on": entered,
            "left_on": left,
        },
    )


def test_every_operator_of_a_test_must_hold(tmp_path):
    ages = [9, 10, 17, 18]
    events = [event(f"p{age}", "caution", date(2022, 5, 1), age=age) for age in ages]
    engine = engine_of(tmp_path, justice_events=events)
    counted = {"table": "justice_events", "date": "occurred_on"}
    assert value(engine, counted | {"where": {"age": {"gte": 10, "lte": 17}}}) == 2
    assert value(engine, counted | {"where": {"age": {"gt": 9, "ne": 17}}}) == 2


def test_people_filter_keeps_rows_of_people_in_a_state_during_the_period(tmp_path):
    during, before = (
        iom_case("c1", "a", date(2022, 6, 30)),
        iom_case("c2", "b", date(2021, 1, 1), date(2022, 3, 31)),
    )
    events = [event(person, "arrest", date(2022, 5, 1)) for person in "abc"]
    engine = engine_of(
        tmp_path,
        justice_events=events,
        cases=[during[0], before[0]],
        case_states=[during[1], before[1]],
    )
    arrests = {"table": "justice_events", "date": "occurred_on", "where": {"kind": "arrest"}}
    in_iom = {"table": "case_states", "where": IOM, "during": True}
    assert value(engine, arrests | {"people": in_iom}) == 1  # a
    assert value(engine, arrests | {"people": in_iom | {"exclude": True}}) == 2  # b and c
    ever = {"table": "case_states", "where": IOM}
    assert value(engine, arrests | {"people": ever}) == 2  # a and b
    rows = engine.rows(arrests | {"people": in_iom}, Q1).to_pyarrow().to_pylist()
    assert [row["person_id"] for row in rows] == ["a"]
    assert set(rows[0]) == set(engine.table("justice_events").columns)


def test_people_filter_reads_person_ids_from_a_table_that_has_them(tmp_path):
    cases = [{"case_id": "w1", "pathway": "womens-whole-system", "person_id": "w"}]
    events = [
        event(person, "out_of_court_disposal", date(2022, 4, 20), sex="female") for person in "wv"
    ]
    engine = engine_of(tmp_path, justice_events=events, cases=cases)
    diverted = {
        "table": "justice_events",
        "date": "occurred_on",
        "where": {"kind": "out_of_court_disposal", "sex": "female"},
        "people": {"table": "cases", "where": {"pathway": "womens-whole-system"}},
    }
    assert value(engine, diverted) == 1


def test_a_reoffending_cohort_can_be_the_people_on_iom_during_the_period(tmp_path):
    on_iom = iom_case("c1", "a", date(2022, 1, 1))
    events = [event(person, "caution", date(2022, 5, 1)) for person in "ab"]
    events.append(event("z", "conviction_custody", date(2024, 1, 1)))
    engine = engine_of(tmp_path, justice_events=events, cases=[on_iom[0]], case_states=[on_iom[1]])
    cohort = {"table": "case_states", "where": IOM, "during": True}
    offenders = {"reoffending": {"count": "offenders"}}
    assert value(engine, offenders | {"people": cohort}) == 1
    # b only: z has no index event
    assert value(engine, offenders | {"people": cohort | {"exclude": True}}) == 1


def _adopted(tmp_path, *offences: date, reach: date = date(2024, 1, 1)):
    adopted = iom_case("c1", "a", date(2022, 5, 10))
    events = [event("a", "recorded_offence", day) for day in offences]
    events.append(event("z", "recorded_offence", reach))
    return engine_of(tmp_path, justice_events=events, cases=[adopted[0]], case_states=[adopted[1]])


def around(side: str) -> dict:
    return {
        "around": {
            "states": IOM,
            "events": {"kind": "recorded_offence"},
            "months": 12,
            "side": side,
        }
    }


def test_offences_in_the_12_months_before_adoption_end_the_day_before(tmp_path):
    engine = _adopted(
        tmp_path,
        date(2021, 5, 9),  # a day too early
        date(2021, 5, 10),  # the first day of the 12 months before
        date(2022, 5, 9),  # the day before adoption
        date(2022, 5, 10),  # the day itself: neither before nor after
    )
    assert value(engine, around("before")) == 2


def test_offences_in_the_12_months_after_adoption_start_the_day_after(tmp_path):
    engine = _adopted(
        tmp_path,
        date(2022, 5, 10),  # the day itself
        date(2022, 5, 11),  # the day after
        date(2023, 5, 10),  # the anniversary: the last day after
        date(2023, 5, 11),  # a day too late
    )
    assert value(engine, around("after")) == 2
    share = indicator("percent", around("after"), around("before"))
    assert engine.figure(share, Q1).value is None  # no offences before: no share


def test_the_first_entry_of_a_case_into_the_states_is_its_adoption(tmp_path):
    case = {"case_id": "c1", "pathway": "iom", "person_id": "a"}
    states = [
        {
            "case_id": "c1",
            "pathway": "iom",
            "state": "statutory",
            "entered_on": date(2022, 3, 1),
            "left_on": date(2022, 4, 2),
        },
        {
            "case_id": "c1",
            "pathway": "iom",
            "state": "non_statutory",
            "entered_on": date(2022, 4, 2),
        },
    ]
    events = [event("a", "recorded_offence", date(2022, 2, 1))]
    engine = engine_of(tmp_path, justice_events=events, cases=[case], case_states=states)
    assert value(engine, around("before")) == 0  # adopted in March, not in this quarter


def test_offences_after_adoption_are_not_yet_known_until_the_data_reach_a_year_on(tmp_path):
    engine = _adopted(tmp_path, date(2022, 6, 1), reach=date(2023, 6, 29))
    after = indicator("count", around("after"))
    figure = engine.figure(after, Q1)
    assert (figure.value, figure.matures_on) == (None, date(2023, 6, 30))
    assert shown_value(after, figure, public=True) == NOT_YET_KNOWN
    assert value(engine, around("before")) == 0  # the months before are known already


def test_a_ratio_divides_without_scaling_and_prints_one_decimal_place(tmp_path):
    starts = [
        {
            "case_id": f"c{days}",
            "pathway": "womens-whole-system",
            "person_id": f"p{days}",
            "started_on": date(2022, 5, 1),
            "days_from_justice": days,
        }
        for days in (3, 4, 4)
    ]
    engine = engine_of(tmp_path, case_starts=starts)
    where = {"pathway": "womens-whole-system", "days_from_justice": {"gte": 0}}
    counted = {"table": "case_starts", "date": "started_on", "where": where}
    mean = indicator("ratio", counted | {"sum": "days_from_justice"}, counted)
    figure = engine.figure(mean, Q1)
    assert figure.value == 11 / 3
    assert format_value(mean, figure.value) == "3.7"


def test_a_measure_of_people_lists_no_records_behind_it():
    reoffenders = indicator(
        "percent",
        {"reoffending": {"count": "reoffenders"}},
        {"reoffending": {"count": "offenders"}},
    )
    assert not has_records(reoffenders, NUMERATOR)
    assert not has_records(reoffenders, DENOMINATOR)
    assert not has_records(indicator("count", around("after")), NUMERATOR)
