"""Measures over people rather than rows: the Ministry of Justice's proven reoffending measure, a
person's offences around an event (before and after adoption onto IOM), and the filter that keeps
only rows about people found in another table (the IOM cohort, women on the pathway).

As the rest of the engine, every measure is Ibis expressions over the snapshot, for all the
periods asked in one query, so it runs on DuckDB and Spark alike.

Day arithmetic follows the Ministry of Justice's method, day by day:
- a person's index date is the day of their first index event in the period (a release from
  custody, a non-custodial conviction or a caution);
- the follow-up starts the day after the index date and ends on the same date 12 months later
  (index 1 April 2022: follow-up 2 April 2022 to 1 April 2023);
- a proven reoffence is an offence committed in the follow-up and proven (conviction or caution)
  no later than the same date a further 6 months on (1 October 2023);
- a month on from the 31st is the last day of a shorter month (31 August + 6 months: 28 or 29
  February), as both engines add months.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

import ibis
import ibis.expr.types as ir

from casebridge.analytics.periods import FOLLOW_UP_MONTHS, WAITING_MONTHS, Period
from casebridge.core.periods import months_after

Number = int | float
EVENTS = "justice_events"
COUNTS = ("offenders", "reoffenders", "reoffences")


class Measured(NamedTuple):
    value: Number
    records: int  # snapshot rows behind the value
    matures_on: date | None = None  # set when the value is not yet known


Tables = Callable[[str], ir.Table]
Reach = Callable[[str, ir.Table], date | None]
# Runs the query a function builds and gives its rows (the engine's, which may not need to
# build it: ``Engine._rows``).
Run = Callable[[Callable[[], ir.Table]], list[dict[str, Any]]]


# --- conditions --------------------------------------------------------------------------------

OPERATORS: dict[str, Callable[[ir.Column, Any], ir.BooleanValue]] = {
    "gt": lambda column, operand: column > operand,
    "gte": lambda column, operand: column >= operand,
    "lt": lambda column, operand: column < operand,
    "lte": lambda column, operand: column <= operand,
    "ne": lambda column, operand: column != operand,
}


def condition(column: ir.Column, test: Any) -> ir.BooleanValue:
    """A ``where`` test: a list is any of its values; a dict holds operators that must all hold
    ({gte: 10, lte: 17}); anything else is equality."""
    if isinstance(test, list):
        return column.isin(test)
    if isinstance(test, dict):
        tests = [OPERATORS[operator](column, operand) for operator, operand in test.items()]
        combined = tests[0]
        for more in tests[1:]:
            combined &= more
        return combined
    return column == test


def conditions(table: ir.Table, where: dict[str, Any]) -> list[ir.BooleanValue]:
    return [condition(table[column], test) for column, test in where.items()]


def matching(table: ir.Table, where: dict[str, Any]) -> ir.Table:
    tests = conditions(table, where)
    return table.filter(tests) if tests else table


def overlapping(begins: ir.Column, ends: ir.Column, period: Period) -> ir.BooleanValue:
    start, end = ibis.literal(period.start), ibis.literal(period.end)
    return (begins <= end) & (ends.isnull() | (ends >= start))


# --- people ------------------------------------------------------------------------------------


def _with_person(tables: Tables, table: ir.Table) -> ir.Table:
    """Rows that carry a person: case states are the subject's through their case."""
    if "person_id" in table.columns:
        return table
    cases = tables("cases").select(_case="case_id", person_id="person_id")
    return table.join(cases, table.case_id == cases._case)


def members(
    tables: Tables, rows: ir.Table, measure: dict[str, Any], periods: list[Period]
) -> tuple[ir.Table, list[ir.BooleanValue]]:
    """The measure's rows, with for each period whether the row's person passes its ``people``
    filter: among the people table's matching rows (their span overlapping the period, with
    ``during``), or with ``exclude`` not among them. Rows without a filter all pass."""
    if "people" not in measure:
        return rows, [ibis.literal(True) for _ in periods]
    spec = measure["people"]
    found = _with_person(tables, matching(tables(spec["table"]), spec.get("where", {})))
    flags = found.group_by(_member_person=found.person_id).aggregate(
        **{
            f"_member_{index}": (
                overlapping(found.entered_on, found.left_on, period)
                if spec.get("during")
                else found.person_id.notnull()
            ).any()
            for index, period in enumerate(periods)
        }
    )
    joined = rows.left_join(flags, rows.person_id == flags._member_person)
    tests = [joined[f"_member_{index}"].fill_null(False) for index in range(len(periods))]
    return joined, [~test if spec.get("exclude") else test for test in tests]


# --- proven reoffending --------------------------------------------------------------------------


Totals = dict[int, dict[str, int]]  # by period: offenders, reoffenders and reoffences


def cohort_key(measure: dict[str, Any], periods: list[Period]) -> str:
    """What a cohort's totals depend on: the measure but for which count it takes, and the
    periods (a binary rate's reoffenders and offenders come from one computation)."""
    spec = {key: value for key, value in measure["reoffending"].items() if key != "count"}
    return json.dumps(
        [{**measure, "reoffending": spec}, [period.label for period in periods]],
        sort_keys=True,
        default=str,
    )


def reoffending_totals(
    tables: Tables, run: Run, measure: dict[str, Any], periods: list[Period]
) -> Totals:
    """Offenders, reoffenders and proven reoffences of each period's cohort (see the module),
    in one query."""
    return {
        row["period"]: {count: int(row[count] or 0) for count in COUNTS}
        for row in run(lambda: _reoffending_query(tables, measure, periods))
    }


def _reoffending_query(tables: Tables, measure: dict[str, Any], periods: list[Period]) -> ir.Table:
    spec = measure["reoffending"]
    follow_up = spec.get("follow_up_months", FOLLOW_UP_MONTHS)
    waiting = spec.get("waiting_months", WAITING_MONTHS)
    events = tables(EVENTS)
    index_events, flags = members(tables, events.filter(events.is_index), measure, periods)
    cohorts = []
    for number, period in enumerate(periods):
        inside = index_events.filter(
            index_events.occurred_on.between(period.start, period.end), flags[number]
        )
        first = ibis.row_number().over(
            group_by=inside.person_id, order_by=[inside.occurred_on, inside.event_id]
        )
        ranked = inside.select(*events.columns, _first=first)
        # The cohort's conditions (age at the index date, sex) are tested on the first index
        # event only: a person is in one cohort or another, never both.
        chosen = matching(ranked.filter(ranked._first == 0), measure.get("where", {}))
        cohorts.append(
            chosen.select(
                period=ibis.literal(number, type="int32"),
                person_id=chosen.person_id,
                index_on=chosen.occurred_on,
            )
        )
    cohort = ibis.union(*cohorts, distinct=False)
    proven = _proven(events)
    follow_up_end = cohort.index_on + ibis.interval(months=follow_up)
    joined = cohort.left_join(
        proven,
        [
            cohort.person_id == proven._person,
            proven._offence_on > cohort.index_on,
            proven._offence_on <= follow_up_end,
            proven._proven_on <= follow_up_end + ibis.interval(months=waiting),
        ],
    )
    people = joined.group_by([joined.period, joined.person_id]).aggregate(
        reoffences=joined._offence_on.count()
    )
    return people.group_by(people.period).aggregate(
        offenders=people.count(),
        reoffenders=(people.reoffences > 0).ifelse(1, 0).sum(),
        reoffences=people.reoffences.sum(),
    )


def _proven(events: ir.Table) -> ir.Table:
    proven = events.filter(events.is_proven, events.offence_on.notnull())
    return proven.select(_person="person_id", _offence_on="offence_on", _proven_on="occurred_on")


def reoffending(
    tables: Tables, reach: Reach, measure: dict[str, Any], periods: list[Period], totals: Totals
) -> list[Measured]:
    """The measure's count of each period's cohort from its ``totals``; a count of reoffenders
    or reoffences is not yet known until the proven offences held reach the end of the waiting
    period of the period's last day."""
    spec = measure["reoffending"]
    follow_up = spec.get("follow_up_months", FOLLOW_UP_MONTHS)
    waiting = spec.get("waiting_months", WAITING_MONTHS)
    count = spec["count"]
    proven = _proven(tables(EVENTS)).select(day="_proven_on")
    known = reach("reoffending", proven) if count != "offenders" else None
    measured = []
    for number, period in enumerate(periods):
        row = totals.get(number, {})
        value = row.get(count, 0)
        records = value if count == "reoffences" else row.get("offenders", 0)
        matures_on = months_after(months_after(period.end, follow_up), waiting)
        if count != "offenders" and (known is None or known < matures_on):
            measured.append(Measured(0, 0, matures_on))
        else:
            measured.append(Measured(value, records))
    return measured


# --- offences around an event ------------------------------------------------------------------


def around(
    tables: Tables, reach: Reach, run: Run, measure: dict[str, Any], periods: list[Period]
) -> list[Measured]:
    """For people whose case first entered one of the given states in the period (the first such
    entry of each case; a person's earliest in the period if several), their events in the
    ``months`` before that day (``side: before``: from the same date ``months`` earlier to the
    day before) or after it (``side: after``: from the day after to the same date ``months``
    later). An event on the day itself is in neither: the records do not say which came first."""
    spec = measure["around"]
    months, after = spec["months"], spec["side"] == "after"
    result = {
        row["period"]: int(row["events"])
        for row in run(lambda: _around_query(tables, spec, periods))
    }
    known = (
        reach(f"around {spec.get('events', {})}", _events(tables, spec).select(day="_on"))
        if after
        else None
    )
    measured = []
    for number, period in enumerate(periods):
        matures_on = months_after(period.end, months)
        if after and (known is None or known < matures_on):
            measured.append(Measured(0, 0, matures_on))
        else:
            value = result.get(number, 0)
            measured.append(Measured(value, value))
    return measured


def _events(tables: Tables, spec: dict[str, Any]) -> ir.Table:
    events = matching(tables(EVENTS), spec.get("events", {}))
    return events.select(_person="person_id", _on="occurred_on")


def _around_query(tables: Tables, spec: dict[str, Any], periods: list[Period]) -> ir.Table:
    """Each period's count of events around the entries (see ``around``), in one query."""
    months, after = spec["months"], spec["side"] == "after"
    states = matching(tables("case_states"), spec["states"])
    entries = _with_person(
        tables, states.group_by("case_id").aggregate(entered_on=states.entered_on.min())
    )
    chosen = ibis.union(
        *[
            entries.filter(entries.entered_on.between(period.start, period.end))
            .group_by("person_id")
            .aggregate(entered_on=ibis._.entered_on.min())
            .mutate(period=ibis.literal(number, type="int32"))
            for number, period in enumerate(periods)
        ],
        distinct=False,
    )
    events = _events(tables, spec)
    moved = chosen.entered_on + ibis.interval(months=months)
    back = chosen.entered_on - ibis.interval(months=months)
    window = (
        [events._on > chosen.entered_on, events._on <= moved]
        if after
        else [events._on >= back, events._on < chosen.entered_on]
    )
    joined = chosen.join(events, [chosen.person_id == events._person, *window])
    return joined.group_by(joined.period).aggregate(events=joined.count())
