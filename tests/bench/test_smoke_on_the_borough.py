"""The bench scripts that measure a loaded demo borough, run at a small size on a copy of the
session's tiny one (tests/tiny_borough.py; tests/bench/conftest.py makes the copies). Like the
tiny borough's other tests they run after all the rest. Each runs on the database it was
written for: the PostgreSQL run's, for those that read a PostgreSQL backend's CPU or drive a
server; the SQLite run's for the others.
"""

import re

import pytest
from django.db import connection

from tests.bench.running import run_script

ON_THE_BOROUGH = {
    "authorize.py",
    "report_render.py",
    "review_queue.py",
    "search_sql.py",
    "web_cpu.py",
    "web_latency.py",
}
# The tiny borough's commonest family name (seed 2022), so the searches find people.
FAMILY_NAME = "Ahmed"

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run's")


def on_postgresql(test):
    """The PostgreSQL run's alone (marked as using the database, which that run asks of its
    tests: it leaves the others to the SQLite run)."""
    only_there = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's")
    return pytest.mark.django_db(only_there(test))


@on_sqlite
def test_authorize(kept_borough):
    printed = run_script("authorize.py", "--database", kept_borough, "--calls", "20")
    for who in ("practitioner", "coordinator"):
        for what in ("case", "person"):
            for how in ("cold", "warm"):
                timing = rf"authorize {who} +{what} +{how}: median [\d.]+ ms, p95 [\d.]+ ms"
                assert re.search(timing, printed), printed
    assert re.search(r"case page: \d+ queries\nperson page: \d+ queries", printed), printed


@on_sqlite
def test_report_render(borough_copy):
    printed = run_script(
        "report_render.py",
        *("--database", borough_copy, "--quarters", "Q4 22/23", "--formats", "html"),
        *("--editions", "public"),
    )
    figures = r"Q4 22/23 +public +html +[\d.]+  ok, [\d,]+ KiB\n1 of 1 succeeded"
    assert re.search(figures, printed), printed


@on_sqlite
def test_review_queue(borough_copy):
    printed = run_script(
        "review_queue.py",
        *("--chains", "5", "--steps", "100", "200", "--repeats", "1"),
        database_url=borough_copy,
    )
    page = r"\d+ ms \( *\d+ cpu\) +(\d+) q"
    rows = re.findall(rf"^ +(\d+) +\d+ +{page} +{page} +{page}$", printed, re.MULTILINE)
    assert [row[0] for row in rows][-2:] == ["100", "200"], printed
    # The queue is worked out in a fixed number of queries, however many pairs are pending.
    assert rows[-2][1:] == rows[-1][1:], printed


@on_postgresql
def test_search_sql(borough_copy):
    printed = run_script(
        "search_sql.py", "--database", borough_copy, "--runs", "2", FAMILY_NAME.lower(), "jo"
    )
    for user in ("bench-coordinator-00", "bench-police-01"):
        for search in (FAMILY_NAME.lower(), "jo"):
            row = rf"{user} +{search} +\d+ +[\d.]+ ms +(\d+|\?)\n"
            assert re.search(row, printed), printed


@on_postgresql
def test_web_cpu(borough_copy):
    printed = run_script("web_cpu.py", "--database", borough_copy, "--requests", "2")
    for page in ("search", "case"):
        figures = (
            rf"{page} +n=4  app CPU median +[\d.]+ ms  mean +[\d.]+ ms +"
            r"database CPU mean +[\d.]+ ms +Python calls [\d,]+"
        )
        assert re.search(figures, printed), printed


@on_postgresql
def test_web_latency(borough_copy):
    printed = run_script(
        "web_latency.py",
        *("--database", borough_copy, "--skip-load", "--think", "0", "--clients", "2"),
        *("--requests", "4", "--seconds", "60", "--workers", "1", "--threads", "2"),
    )
    assert "signed in 2 sessions" in printed, printed
    for scenario in ("person search", "case page"):
        figures = (
            rf"{scenario} +n= +4  p50 +[\d.]+ ms  p95 +[\d.]+ ms  p99 +[\d.]+ ms  .*"
            r"errors 0\.00%\n +server CPU a request: app [\d.]+ ms, database [\d.]+ ms"
        )
        assert re.search(figures, printed), printed
