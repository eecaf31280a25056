"""Compiled SQL is kept for the process: an engine over a snapshot with the same tables as one
measured before compiles nothing, and one whose tables differ compiles its own."""

import warnings
from datetime import UTC, date, datetime

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ibis.backends.duckdb import Backend

from casebridge.analytics import engine as engine_module
from casebridge.analytics.engine import Engine
from casebridge.analytics.periods import parse_period
from casebridge.analytics.snapshot import Snapshot
from casebridge.core.kept import Kept

Q1 = parse_period("Q1 22/23")
SUM = {"table": "payments", "date": "paid_on", "sum": "amount"}
DISTINCT = {"table": "payments", "date": "paid_on", "distinct": "person_id"}


def _snapshot(directory, amounts, amount_type=None) -> Snapshot:
    directory.mkdir()
    days = [date(2022, 4, 2 + index) for index in range(len(amounts))] + [date(2022, 7, 1)]
    payments = pa.table(
        {
            "person_id": pa.array([1, 1, 2, 3][: len(days)], pa.int64()),
            "paid_on": pa.array(days, pa.date32()),
            "amount": pa.array([*amounts, 100], amount_type or pa.int32()),
        }
    )
    pq.write_table(payments, directory / "payments.parquet")
    return Snapshot(directory, datetime(2022, 8, 1, tzinfo=UTC), {"payments": len(days)})


@pytest.fixture
def compiles(monkeypatch):
    """Each SQL compiled by DuckDB's Ibis backend, from a process cache emptied for the test."""
    monkeypatch.setattr(engine_module, "_compiled", Kept(2000))
    compiled: list[str] = []
    compile = Backend.compile

    def counting(self, expr, /, **kwargs):
        compiled.append(sql := compile(self, expr, **kwargs))
        return sql

    monkeypatch.setattr(Backend, "compile", counting)
    return compiled


def test_an_engine_over_an_equal_snapshot_compiles_nothing(tmp_path, compiles):
    first = Engine(snapshot=_snapshot(tmp_path / "first", [2, 3]))
    assert first.across(SUM, [Q1]) == [(5, 2, None)]
    assert first.across(DISTINCT, [Q1]) == [(1, 2, None)]
    assert len(compiles) == 2

    second = Engine(snapshot=_snapshot(tmp_path / "second", [4, 5, 6]))
    assert second.across(SUM, [Q1]) == [(15, 3, None)]  # its own data, on its own connection
    assert second.across(DISTINCT, [Q1]) == [(2, 3, None)]
    assert len(compiles) == 2
    (value, records, _) = second.across(SUM, [Q1])[0]
    assert type(value) is int and type(records) is int  # as Ibis types it, not DuckDB's HUGEINT


def test_a_snapshot_whose_tables_differ_compiles_its_own(tmp_path, compiles):
    whole = Engine(snapshot=_snapshot(tmp_path / "whole", [2, 3]))
    assert whole.across(SUM, [Q1]) == [(5, 2, None)]
    halves = Engine(snapshot=_snapshot(tmp_path / "halves", [2.5, 3.0], pa.float64()))
    ((value, records, _),) = halves.across(SUM, [Q1])
    assert (value, records) == (5.5, 2) and type(value) is float
    # Its own compilation, typed by its own schema: the first's would give the sum as an int.
    assert len(compiles) == 2


def test_the_kept_sql_gives_the_rows_ibis_gives_typed_alike_without_an_extra_copy(
    tmp_path, compiles
):
    engine = Engine(snapshot=_snapshot(tmp_path / "payments", [2, 3]))

    def build() -> ibis.Table:
        payments = engine.table("payments")
        return payments.aggregate(
            total=payments.amount.sum(),  # HUGEINT on DuckDB, int64 as Ibis types it
            people=payments.person_id.nunique(),
            mean=payments.amount.mean(),
            last=payments.paid_on.max(),
            named=payments.person_id.cast("string").max(),
        )

    expected = build().to_pyarrow().to_pylist()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DuckDB warns of Arrow from a DB-API result's copy
        rows = engine._rows(("test",), build)
        again = engine._rows(("test",), build)  # the kept SQL, compiled once
    assert rows == again == expected
    for row in (rows[0], again[0]):
        assert [type(value) for value in row.values()] == [
            type(value) for value in expected[0].values()
        ]
    assert len(compiles) == 2  # Ibis's own run of the expression, then the kept SQL's one
