"""Every script in bench/ runs at a small size and prints figures of the right shape, so a
benchmark cannot rot unnoticed (a table added to the snapshot once broke bench/indicators.py).

Each script runs as a person runs it (its own process, its own scratch database, the local
settings); what it prints is checked for sense, not speed: at these sizes the timings mean
nothing.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parents[2] / "bench"

# script: (small arguments, what its output must contain)
SMOKE: dict[str, tuple[list[str], str]] = {
    "audit_append.py": (
        ["--entries", "50"],
        r"sqlite: \d+\.\d{3} ms of CPU an entry(.|\n)*chain intact: True \(150 entries checked\)",
    ),
    "import_cycles.py": ([], r"apps in the largest import cycle: \d+"),
    "indicators.py": (["--events", "4000"], r"same values: (\d+) of \1\n.*faster than pandas"),
    "imports.py": (
        ["--rows", "300"],
        r"first import: [\d.]+ s \([\d,]+ rows/s\): \d+ loaded, \d+ rejected"
        r"(.|\n)*same file again: refused",
    ),
    "hostile_imports.py": (
        ["--workbook-rows", "300"],
        r"an honest file of one offence .*\n\s+loaded: 1 row\(s\) read"
        r"(.|\n)*a header of 1,000,000 columns .*\n\s+failed: ",
    ),
    "linkage.py": (["--records", "3000"], r"3,000 records of [\d,]+ people(.|\n)*<- chosen"),
    "linkage_pipeline.py": (
        ["--records", "600"],
        r"\d+ of 600 records loaded(.|\n)*automatic links: precision (0|1)\.\d{4}",
    ),
    "redaction.py": (
        ["--addresses", "200", "--page-kb", "5", "--repeats", "2"],
        r"redact, 5 typed in: +[\d.]+ ms median",
    ),
    "reoffending.py": (
        ["--people", "12000"],
        r"adult-reoffending-binary-rate 12m to 2021-09: \d+\.\d \(\d+/[\d,]+\)",
    ),
}
# Imported by the scripts above rather than run: linkage.py and linkage_pipeline.py generate
# their people with it.
LIBRARIES = {"synthetic_people.py"}
# Not yet runnable at a small size in seconds: each needs a database loaded beforehand (the
# borough, or 500,000 people in PostgreSQL under a fixed database name it drops first).
NOT_YET = {
    "authorize.py": "a demo borough database (--size tiny builds one in about a minute)",
    "person_lookup.py": "500,000 people in the PostgreSQL database casebridge_bench_lookup",
    "report_render.py": "a loaded demo database, 16 report commands",
    "review_queue.py": "a copy of the borough database",
    "search_sql.py": "a loaded demo borough with the bench's users (bench/web_latency.py)",
    "web_cpu.py": "a loaded demo borough (the database bench/web_latency.py loads)",
    "web_latency.py": "a demo borough in the PostgreSQL database casebridge_bench",
}

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="each script sets up its own database: running them once (in the SQLite run) is enough",
)


def test_every_script_in_bench_is_accounted_for():
    assert {path.name for path in BENCH.glob("*.py")} == set(SMOKE) | LIBRARIES | set(NOT_YET)


@pytest.mark.parametrize("script", sorted(SMOKE))
def test_the_script_runs_at_a_small_size(script):
    arguments, expected = SMOKE[script]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    run = subprocess.run(  # noqa: S603  (our own scripts)
        [sys.executable, str(BENCH / script), *arguments],
        cwd=BENCH.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert re.search(expected, run.stdout), run.stdout[-2000:]
