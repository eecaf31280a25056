"""The analytical engine: indicator definitions turned into Ibis expressions over the snapshot.

The same expressions run on DuckDB (a borough on a laptop) or, through Ibis's PySpark backend,
on Spark; nothing is computed row by row in Python. Each measure is one aggregate query.
"""

import csv
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from numbers import Integral
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow.parquet as pq
from django.conf import settings

from casebridge.analytics import cohorts
from casebridge.analytics.cohorts import Measured, conditions, overlapping
from casebridge.analytics.figures import Figure, Number
from casebridge.analytics.periods import FINANCIAL_YEAR_START, Period, mid_year_estimate_year
from casebridge.analytics.registry import Indicator
from casebridge.analytics.snapshot import Snapshot
from casebridge.core.errors import ApplicationError
from casebridge.core.kept import Kept

DEFAULT_POPULATION = Path(__file__).parent / "population" / "northbridge.csv"


@dataclass(frozen=True)
class PopulationBand:
    year: int
    sex: str
    age_from: int
    age_to: int
    people: int


def population_file() -> Path:
    return Path(settings.CASEBRIDGE_POPULATION_FILE or DEFAULT_POPULATION)


def read_population(path: Path) -> list[PopulationBand]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            PopulationBand(
                int(row["year"]),
                row["sex"],
                int(row["age_from"]),
                int(row["age_to"]),
                int(row["people"]),
            )
            for row in csv.DictReader(handle)
        ]


# What an engine has measured, by measure and period (``Engine.across``) or by measure, period
# and category (``Engine.grouped``): plain values, never a connection, so engines on different
# threads may share it.
Measurements = dict[tuple[str, ...], Any]


@dataclass(frozen=True)
class Compiled:
    """A query's SQL as Ibis compiled it, the schema Ibis gives its result, and the snapshot
    tables (their views, ``snapshot_<name>``) it reads."""

    sql: str
    schema: ibis.Schema
    tables: tuple[str, ...]


# Compiled SQL, kept for the life of the process: compiling a query (Ibis and sqlglot) is about
# half the CPU of measuring it on a small snapshot, and the SQL is the same for every engine
# over a snapshot with the same tables, as it names their views, never their files. It is kept
# by what the query is (``Engine._rows``' key: its kind, the measure, the periods) and the
# schemas of every table in the snapshot, so a snapshot whose tables differ in a column or a
# type compiles its own. A report's queries are some hundreds.
_compiled: Kept[tuple[object, ...], Compiled] = Kept(2000)


class Engine:
    """Computes figures from one snapshot on one backend connection."""

    def __init__(
        self,
        *,
        snapshot: Snapshot,
        connection: Any = None,
        population: Path | None = None,
        measured: Measurements | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.connection = connection if connection is not None else ibis.duckdb.connect()
        self.population = read_population(population or population_file())
        self._tables: dict[str, ir.Table] = {}
        self._reach: dict[str, date | None] = {}
        self._schemas: tuple[tuple[str, str], ...] | None = None
        # A cohort's offenders, reoffenders and reoffences come from one query, whichever of
        # them a figure asks for first.
        self._cohorts: dict[str, cohorts.Totals] = {}
        # Each measure is queried once: by this engine, or by any engine given the same
        # ``measured`` (``stored_engine``: every engine over one stored snapshot).
        self._measured: Measurements = measured if measured is not None else {}

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            self._tables[name] = self.connection.read_parquet(
                str(self.snapshot.path(name)), table_name=f"snapshot_{name}"
            )
        return self._tables[name]

    def snapshot_schemas(self) -> tuple[tuple[str, str], ...]:
        """Every table of the snapshot with its columns' names and types (read from the files'
        footers, once per engine): what, besides the query itself, its SQL depends on."""
        if self._schemas is None:
            self._schemas = tuple(
                (path.stem, str(pq.read_schema(path).remove_metadata()))
                for path in sorted(self.snapshot.directory.glob("*.parquet"))
            )
        return self._schemas

    def _rows(self, key: tuple[str, ...], build: Callable[[], ir.Table]) -> list[dict[str, Any]]:
        """The rows of the query ``build`` makes, ``key`` saying all it depends on but the
        snapshot's schemas. On DuckDB its SQL is compiled once in the process (``_compiled``)
        and run on this engine's connection, its result typed as Ibis types it; another
        backend (Spark) runs the expression through Ibis each time."""
        if self.connection.name != "duckdb":
            return build().to_pyarrow().to_pylist()
        compiled = _compiled.get((*key, self.snapshot_schemas()), lambda: self._compile(build()))
        for name in compiled.tables:  # the views the SQL reads, on this connection
            self.table(name)
        # A relation of the DuckDB connection Ibis wraps (``con``), not ``raw_sql``'s DB-API
        # result: Arrow from the latter costs an extra copy of the rows (DuckDB warns of it).
        result = self.connection.con.sql(compiled.sql).to_arrow_table()
        return result.cast(compiled.schema.to_pyarrow()).to_pylist()

    def _compile(self, query: ir.Table) -> Compiled:
        views = {f"snapshot_{name}": name for name in self._tables}
        read = {table.name for table in query.op().find(ops.DatabaseTable)}
        return Compiled(
            self.connection.compile(query),
            query.schema(),
            tuple(sorted(views[view] for view in read)),
        )

    def reach(self, key: str, days: ir.Table) -> date | None:
        """The latest ``day`` of some events in the snapshot: how far the data held reach, read
        once per engine for each kind of event a follow-up waits for."""
        if key not in self._reach:
            (row,) = days.aggregate(latest=days.day.max()).to_pyarrow().to_pylist()
            self._reach[key] = row["latest"]
        return self._reach[key]

    # --- measures ----------------------------------------------------------------------------

    def _matching(
        self, measure: dict[str, Any], periods: list[Period]
    ) -> tuple[ir.Table, list[ir.BooleanValue]]:
        """The rows of the measure's table that meet its conditions, in any period, and for each
        period whether the row's person passes the measure's ``people`` filter."""
        table = self.table(measure["table"])
        tests = conditions(table, measure.get("where", {}))
        return cohorts.members(
            self.table, table.filter(tests) if tests else table, measure, periods
        )

    def rows(self, measure: dict[str, Any], period: Period) -> ir.Table:
        """The rows a measure counts in a period (also what a drill-down lists)."""
        rows, (member,) = self._matching(measure, [period])
        inside = rows.filter(_in_period(rows, measure, period), member)
        return inside.select(*self.table(measure["table"]).columns)

    def _population(self, wanted: dict[str, Any], period: Period) -> int:
        year = mid_year_estimate_year(period, wanted.get("mid_year_estimate", FINANCIAL_YEAR_START))
        low, high = wanted.get("min_age", 0), wanted.get("max_age", 200)
        return int(
            sum(
                band.people
                for band in self.population
                if band.year == year
                and wanted.get("sex", band.sex) == band.sex
                and band.age_from >= low
                and band.age_to <= high
            )
        )

    # --- indicators --------------------------------------------------------------------------

    def across(self, measure: dict[str, Any], periods: list[Period]) -> list[Measured]:
        """A measure for several periods in one aggregate query: for each period, its value and
        the snapshot rows behind it (a dashboard's eight quarters cost one query, not eight)."""
        if "population" in measure:  # from the population file, not the snapshot
            return [Measured(self._population(measure["population"], p), 0) for p in periods]
        # Each period's value is its own (the query only gathers them), so a period measured
        # before, in any company, is not queried again.
        measure_key = _measure_key(measure)
        keys = [("across", measure_key, _period_key(period)) for period in periods]
        missing = [
            period for period, key in zip(periods, keys, strict=True) if key not in self._measured
        ]
        if missing:
            for period, measured in zip(missing, self._query_across(measure, missing), strict=True):
                self._measured["across", measure_key, _period_key(period)] = measured
        return [self._measured[key] for key in keys]

    def _query_across(self, measure: dict[str, Any], periods: list[Period]) -> list[Measured]:
        if "reoffending" in measure:
            key = cohorts.cohort_key(measure, periods)
            if key not in self._cohorts:
                self._cohorts[key] = cohorts.reoffending_totals(
                    self.table, self._runner("reoffending", measure, periods), measure, periods
                )
            totals = self._cohorts[key]
            return cohorts.reoffending(self.table, self.reach, measure, periods, totals)
        if "around" in measure:
            return cohorts.around(
                self.table, self.reach, self._runner("around", measure, periods), measure, periods
            )

        def query() -> ir.Table:
            rows, members = self._matching(measure, periods)
            aggregates: dict[str, ir.Scalar] = {}
            for index, period in enumerate(periods):
                inside = _in_period(rows, measure, period) & members[index]
                aggregates[f"records_{index}"] = inside.ifelse(1, 0).sum().coalesce(0)
                if "sum" in measure:
                    added = inside.ifelse(rows[measure["sum"]], 0)
                    aggregates[f"value_{index}"] = added.sum().coalesce(0)
                elif "distinct" in measure:
                    aggregates[f"value_{index}"] = rows[measure["distinct"]].nunique(where=inside)
            return rows.aggregate(**aggregates)

        valued = "sum" in measure or "distinct" in measure
        (result,) = self._runner("across", measure, periods)(query)
        return [
            Measured(
                _number(result[f"value_{i}" if valued else f"records_{i}"]),
                result[f"records_{i}"],
            )
            for i in range(len(periods))
        ]

    def _runner(self, kind: str, measure: dict[str, Any], periods: list[Period]) -> cohorts.Run:
        key = (kind, _measure_key(measure), *(_period_key(period) for period in periods))
        return lambda build: self._rows(key, build)

    def figure(self, indicator: Indicator, period: Period) -> Figure:
        (figure,) = self.figures([indicator], [period])
        return figure

    def figures(self, indicators: Iterable[Indicator], periods: Iterable[Period]) -> list[Figure]:
        """Every indicator for every period, one aggregate query per distinct measure."""
        periods = list(periods)
        computed: dict[str, list[Measured]] = {}

        def across(measure: dict[str, Any]) -> list[Measured]:
            key = _measure_key(measure)
            if key not in computed:
                computed[key] = self.across(measure, periods)
            return computed[key]

        figures = []
        for indicator in indicators:
            numerators = across(indicator.numerator)
            denominators = across(indicator.denominator) if indicator.denominator else None
            scale = 100 if indicator.unit == "percent" else indicator.per or 1
            for index, period in enumerate(periods):
                numerator, records, matures_on = numerators[index]
                if denominators is not None:
                    matures_on = _later(matures_on, denominators[index].matures_on)
                if matures_on is not None:  # never a partial count passed off as the figure
                    figures.append(
                        Figure(indicator.id, period.label, 0, None, None, 0, None, matures_on)
                    )
                    continue
                if denominators is None:
                    figures.append(
                        Figure(indicator.id, period.label, numerator, None, numerator, records)
                    )
                    continue
                denominator = denominators[index].value
                value = scale * numerator / denominator if denominator else None
                figures.append(
                    Figure(indicator.id, period.label, numerator, denominator, value, records)
                )
        return figures

    # --- breakdowns --------------------------------------------------------------------------

    def grouped(
        self, measure: dict[str, Any], period: Period, by: str
    ) -> dict[str | None, tuple[Number, int]]:
        """A measure per category of ``by`` in one grouped aggregate query: for each category
        present in the period, its value and the snapshot rows behind it. A count of distinct
        people is distinct within each category, so one person may count in two."""
        key = ("grouped", _measure_key(measure), _period_key(period), by)
        if key not in self._measured:
            self._measured[key] = self._query_grouped(measure, period, by)
        return dict(self._measured[key])

    def _query_grouped(
        self, measure: dict[str, Any], period: Period, by: str
    ) -> dict[str | None, tuple[Number, int]]:
        rows = self.rows(measure, period)
        if by not in rows.columns:
            raise ApplicationError(f"The {measure['table']} table has no column {by!r}.")
        if "sum" in measure:
            total = rows[measure["sum"]].sum().coalesce(0)
        elif "distinct" in measure:
            total = rows[measure["distinct"]].nunique()
        else:
            total = rows.count()
        query = rows.group_by(category=rows[by]).aggregate(value=total, records=rows.count())
        result = self.connection.execute(query)
        return {
            _category(category): (_number(value), int(records))
            for category, value, records in zip(
                result["category"], result["value"], result["records"], strict=True
            )
        }

    def breakdown(self, indicator: Indicator, period: Period, by: str) -> list[Figure]:
        """The indicator per category of one of its declared breakdowns, in the order of the
        categories (not recorded last). The categories add up to the indicator's figure for a
        count; a percentage takes its denominator by the same category, and a rate per head of
        population divides every category by the whole population."""
        if by not in indicator.breakdowns:
            declared = ", ".join(indicator.breakdowns) or "none"
            raise ApplicationError(
                f"{indicator.id} is not broken down by {by!r} (declared breakdowns: {declared})."
            )
        numerators = self.grouped(indicator.numerator, period, by)
        denominator = indicator.denominator
        if denominator is None:
            denominators: dict[str | None, tuple[Number, int]] = {}
        elif "population" in denominator:
            everyone = self._population(denominator["population"], period)
            denominators = {category: (everyone, 0) for category in numerators}
        else:
            denominators = self.grouped(denominator, period, by)
        scale = 100 if indicator.unit == "percent" else indicator.per or 1
        figures = []
        for category in sorted({*numerators, *denominators}, key=_category_order):
            numerator, records = numerators.get(category, (0, 0))
            if denominator is None:
                figures.append(
                    Figure(
                        indicator.id, period.label, numerator, None, numerator, records, category
                    )
                )
                continue
            whole = denominators.get(category, (0, 0))[0]
            value = scale * numerator / whole if whole else None
            figures.append(
                Figure(indicator.id, period.label, numerator, whole, value, records, category)
            )
        return figures


def _measure_key(measure: dict[str, Any]) -> str:
    return json.dumps(measure, sort_keys=True, default=str)


def _period_key(period: Period) -> str:
    return f"{period.label} {period.start} {period.end}"


@lru_cache(maxsize=16)
def _measurements_of(snapshot: Snapshot) -> Measurements:
    return {}


def stored_engine(snapshot: Snapshot) -> Engine:
    """An engine over a stored snapshot that shares what it measures with every other engine
    over the same snapshot in this process: a snapshot never changes once written, so the
    dashboard's pages, the board report's two editions and the report's downloads query each
    measure once between them. Each engine keeps its own connection (one per thread)."""
    return Engine(snapshot=snapshot, measured=_measurements_of(snapshot))


def _later(one: date | None, other: date | None) -> date | None:
    """When both parts of a figure are known (None: both are already)."""
    days = [day for day in (one, other) if day is not None]
    return max(days) if days else None


def _number(value: Any) -> Number:
    return int(value) if isinstance(value, Integral) else float(value or 0)


def _category(value: Any) -> str | None:
    """A group key as the engines return it (Spark gives pandas' NaN or None for NULL)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _category_order(category: str | None) -> tuple[bool, str]:
    return (category is None, category or "")


def _in_period(table: ir.Table, measure: dict[str, Any], period: Period) -> ir.BooleanValue:
    start, end = ibis.literal(period.start), ibis.literal(period.end)
    if "date" in measure:
        return table[measure["date"]].between(start, end)
    if "overlaps" in measure:
        begins, ends = (table[column] for column in measure["overlaps"])
        return overlapping(begins, ends, period)
    entered, left = table["entered_on"], table["left_on"]
    if measure["as_at"] == "start":  # in the state as the first day began
        return (entered < start) & (left.isnull() | (left >= start))
    return (entered <= end) & (left.isnull() | (left > end))  # as the last day ended
