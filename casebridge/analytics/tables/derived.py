"""The tables the columnar engine derives from those written: DuckDB SQL over their Parquet."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from casebridge.analytics.tables import DERIVED_TABLES
from casebridge.pathways.models import Pathway

# Which state each case was in, from when to when (left_on is None while it is still there).
CASE_STATES_SQL = """
COPY (
    SELECT case_id, pathway, to_state AS state, occurred_on AS entered_on,
           LEAD(occurred_on) OVER (
               PARTITION BY case_id ORDER BY occurred_at, kind
           ) AS left_on
    FROM read_parquet(?)
    WHERE to_state <> ''
) TO '{target}' (FORMAT parquet)
"""

# Each person's earliest proven offence (a conviction or caution): a first-time entrant's.
FIRST_PROVEN_OFFENCES_SQL = """
COPY (
    SELECT person_id, event_id, kind, occurred_on, offence_on, age, sex
    FROM read_parquet(?)
    WHERE is_proven
    QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY occurred_on, event_id) = 1
) TO '{target}' (FORMAT parquet)
"""

# When each case's support (or cohort membership) began: its first entry into a state neither
# initial nor terminal; and the person's earliest justice event in the 365 days up to and
# including that day (started_on - 364 to started_on), for "how soon after arrest" figures.
CASE_STARTS_SQL = """
COPY (
    WITH starts AS (
        SELECT e.case_id, min(e.occurred_on) AS started_on
        FROM read_parquet(?) e
        JOIN support_states s ON s.pathway = e.pathway AND s.state = e.to_state
        GROUP BY e.case_id
    ), windowed AS (
        SELECT s.case_id, c.pathway, c.person_id, s.started_on, min(j.occurred_on) AS first_on
        FROM starts s
        JOIN read_parquet(?) c ON c.case_id = s.case_id
        LEFT JOIN read_parquet(?) j ON j.person_id = c.person_id
            AND j.occurred_on BETWEEN s.started_on - 364 AND s.started_on
        GROUP BY s.case_id, c.pathway, c.person_id, s.started_on
    )
    SELECT case_id, pathway, person_id, started_on, first_on AS first_justice_on,
           CAST(started_on - first_on AS INTEGER) AS days_from_justice
    FROM windowed
) TO '{target}' (FORMAT parquet)
"""


def _support_states(definitions: Iterable[dict[str, Any]]) -> pa.Table:
    pairs = [
        (definition["code"], state["code"])
        for definition in definitions
        for state in definition["states"]
        if state["code"] != definition["initial_state"] and not state.get("terminal")
    ]
    return pa.table(
        {"pathway": [p for p, _ in pairs], "state": [s for _, s in pairs]},
        schema=pa.schema([("pathway", pa.string()), ("state", pa.string())]),
    )


def derive(
    directory: Path, *, pathway_definitions: Iterable[dict[str, Any]] | None = None
) -> dict[str, int]:
    """Write the derived tables from those written already, and count their rows. A case
    starts when it enters a state of its pathway that is neither the first nor an end: the
    pathways held, unless ``pathway_definitions`` are given (a benchmark has no database)."""
    if pathway_definitions is None:
        pathway_definitions = Pathway.objects.values_list("definition", flat=True)
    sources = {
        "case_states": (CASE_STATES_SQL, ["case_events"]),
        "first_proven_offences": (FIRST_PROVEN_OFFENCES_SQL, ["justice_events"]),
        "case_starts": (CASE_STARTS_SQL, ["case_events", "cases", "justice_events"]),
    }
    rows = {}
    with duckdb.connect() as connection:
        connection.register("support_states", _support_states(pathway_definitions))
        for table in DERIVED_TABLES:
            sql, inputs = sources[table]
            target = directory / f"{table}.parquet"
            connection.execute(
                sql.format(target=str(target).replace("'", "''")),
                [str(directory / f"{name}.parquet") for name in inputs],
            )
            (rows[table],) = connection.execute(
                "SELECT count(*) FROM read_parquet(?)", [str(target)]
            ).fetchone() or (0,)
    return rows
