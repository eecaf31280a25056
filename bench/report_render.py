"""`casebridge report` for every quarter of 22/23, both editions, both formats, timed.

    .venv/bin/python bench/report_render.py --database sqlite:///var/borough.sqlite3
    .venv/bin/python bench/report_render.py --database postgres://postgres@127.0.0.1:5432/casebridge
    .venv/bin/python bench/report_render.py --database ... --quarters "Q4 22/23" --formats html

Runs the command exactly as a user would (a process each: the snapshot taken from the database,
the report computed, the file written) for Q1-Q4 22/23 x public/restricted x PDF/HTML (or the
quarters, editions and formats given), and prints the wall time of each, whether it succeeded,
and the file's size (and a PDF's pages). It runs the code of the checkout it is started from
(``python -m casebridge`` in the current directory), so the same script times an older checkout
when started from there. Exits 1 if any run failed. The database is only read; the files go to
a temporary directory unless ``--out``.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUARTERS = ("Q1 22/23", "Q2 22/23", "Q3 22/23", "Q4 22/23")
EDITIONS = ("public", "restricted")
FORMATS = ("pdf", "html")


def _pages(path: Path) -> str:
    """A PDF's pages, as PDFium counts them (pypdfium2 is a development dependency)."""
    try:
        import pypdfium2
    except ImportError:
        return "?"
    document = pypdfium2.PdfDocument(path)
    try:
        return str(len(document))
    finally:
        document.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a DATABASE_URL")
    parser.add_argument("--out", type=Path, help="keep the files here")
    parser.add_argument("--quarters", nargs="+", default=QUARTERS, metavar="QUARTER")
    parser.add_argument("--editions", nargs="+", default=EDITIONS, choices=EDITIONS)
    parser.add_argument("--formats", nargs="+", default=FORMATS, choices=FORMATS)
    options = parser.parse_args()
    env = {
        # The demo's settings unless told otherwise (the command's own default is production).
        "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.local",
        **os.environ,
        "DATABASE_URL": options.database,
        "CASEBRIDGE_LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryDirectory(prefix="report-render-") as scratch:
        out = options.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        print(f"{'quarter':<9} {'edition':<10} {'format':<6} {'seconds':>8}  result")
        failed, total = 0, 0.0
        for quarter in options.quarters:
            for edition in options.editions:
                for suffix in options.formats:
                    path = out / f"{quarter[:2]}-{edition}.{suffix}"
                    command = [sys.executable, "-m", "casebridge", "report", "--period", quarter]
                    command += ["--out", str(path), "--edition", edition]
                    started = time.perf_counter()
                    run = subprocess.run(command, env=env, capture_output=True, text=True)
                    seconds = time.perf_counter() - started
                    total += seconds
                    if run.returncode == 0:
                        size = path.stat().st_size
                        pages = f", {_pages(path)} pages" if suffix == "pdf" else ""
                        result = f"ok, {size / 1024:,.0f} KiB{pages}"
                    else:
                        failed += 1
                        last = (run.stderr.strip().splitlines() or ["no message"])[-1]
                        result = f"FAILED: {last[:100]}"
                    print(f"{quarter:<9} {edition:<10} {suffix:<6} {seconds:>8.1f}  {result}")
        runs = len(options.quarters) * len(options.editions) * len(options.formats)
        print(f"{runs - failed} of {runs} succeeded in {total:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
