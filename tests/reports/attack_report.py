"""The attack on a database's public board reports, by hand (a borough takes minutes):

    DATABASE_URL=sqlite:///var/borough.sqlite3 CASEBRIDGE_SNAPSHOT_DIR=var/snapshots \\
        .venv/bin/python -m tests.reports.attack_report --period "Q4 22/23" [--period ...]

It reads the latest stored snapshot (``casebridge snapshot`` takes one), builds the public
edition of each quarter's report, attacks it, and prints every recovered value; it exits 1 if
any was recovered.
"""

import argparse
import os
import sys
import time
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.local")

import django

django.setup()

from casebridge.analytics.engine import Engine  # noqa: E402
from casebridge.analytics.periods import parse_period  # noqa: E402
from casebridge.analytics.store import latest_snapshot  # noqa: E402
from casebridge.reports.board import PUBLIC, build_report  # noqa: E402
from tests.reports.attacker import Truth, attack, judge  # noqa: E402
from tests.reports.attacker.attacks import Claim  # noqa: E402
from tests.reports.attacker.reading import Rules  # noqa: E402


def rules_of(report: object) -> Rules:
    """The method the edition states (an edition without one states only its threshold)."""
    method = getattr(report, "disclosure", None)
    if method is None:
        return Rules(threshold=report.threshold)  # type: ignore[attr-defined]
    return Rules(threshold=method.threshold, rounding=method.rounding)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", action="append", required=True)
    parser.add_argument("--quick", action="store_true", help="no integer programme")
    options = parser.parse_args()
    snapshot = latest_snapshot()
    if snapshot is None:
        parser.error("no snapshot stored: run casebridge snapshot first")
    engine = Engine(snapshot=snapshot)
    truth, found = Truth(engine), 0
    for label in options.period:
        started = time.perf_counter()
        report = build_report(engine=engine, period=parse_period(label), edition=PUBLIC)
        built = time.perf_counter() - started
        outcome = attack(
            report, rules_of(report), population=engine.population, exhaustive=not options.quick
        )
        verdict = judge(outcome, truth)
        targets = {target.expr for target in outcome.reading.targets}
        recovered: dict[object, list[Claim]] = {}
        for claim in verdict.recovered:
            recovered.setdefault(claim.expr, []).append(claim)
        by_attack = Counter(claim.attack for claim in verdict.recovered)
        print(
            f"{label}: built in {built:.1f} s; {len(outcome.reading.targets)} suppressed places "
            f"({len(targets)} values), {len(recovered)} values recovered, "
            f"{len(outcome.zero_or_all)} noughts or wholes of a small group; by attack: "
            + ", ".join(f"{attack} {count}" for attack, count in sorted(by_attack.items()))
        )
        for claims in sorted(recovered.values(), key=lambda c: c[0].where):
            attacks = ", ".join(sorted({claim.attack for claim in claims}))
            print(f"  {claims[0].where}: {claims[0].value} ({attacks})")
        for fact in outcome.zero_or_all:
            print(f"  {fact.where}: {fact.lo + 0.05:.1f}% of fewer than 10")
        for claim in verdict.wrong:
            print(f"  ATTACKER ERROR {claim.where}: claimed {claim.value} ({claim.attack})")
        for where in verdict.violated:
            print(f"  ATTACKER ERROR: the truth contradicts {where}")
        found += len(recovered) + len(outcome.zero_or_all)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
