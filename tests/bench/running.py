"""A bench script run as a person runs it: a process of its own, from the checkout, with the
local settings rather than the test run's database."""

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run_script(script: str, *arguments: str, database_url: str | None = None) -> str:
    """What the script printed, once it has finished without an error; ``database_url`` is
    given to a script that reads it from the environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    run = subprocess.run(  # noqa: S603  (our own scripts)
        [sys.executable, str(BENCH / script), *arguments],
        cwd=BENCH.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout
