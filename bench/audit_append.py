"""How much CPU one audit entry costs to append, on SQLite and on PostgreSQL.

Every change and every "viewed" page appends an entry to the hash chain (the demo's history
appends one a step, an import one a record), inside the caller's transaction. This appends N
entries in one transaction into a fresh database, the best of three rounds, and checks that the
chain still verifies.

    .venv/bin/python bench/audit_append.py                 # SQLite, 2,000 entries a round
    .venv/bin/python bench/audit_append.py --postgres      # PostgreSQL casebridge_bench_audit

The figure is this process's CPU time (on SQLite the database's work too; on PostgreSQL the
server's own is shown beside it), as the machine is shared.
"""

import argparse
import tempfile
import time
from pathlib import Path

# bench/imports.py, beside this script
from imports import add_migrated_option, server_cpu, set_up_database

PG_DATABASE = "casebridge_bench_audit"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--database", default=PG_DATABASE, help="the PostgreSQL database to remake")
    add_migrated_option(parser)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casebridge-bench-audit-") as directory:
        set_up_database(
            options.postgres, Path(directory), database=options.database, migrated=options.migrated
        )
        from django.db import connection, transaction

        from casebridge.audit.services import audit_record
        from casebridge.audit.verification import verify_chain

        rounds = []
        for _ in range(3):
            server, cpu = server_cpu(), time.process_time()
            with transaction.atomic():
                for n in range(options.entries):
                    audit_record(
                        actor=None,
                        actor_username="bench",
                        action="view",
                        object_type="person",
                        object_id=n,
                        changes={"state": ["open", "closed"]},
                    )
            used = time.process_time() - cpu
            after = server_cpu()
            rounds.append((used, None if server is None or after is None else after - server))
        used, server_used = min(rounds, key=lambda round_: round_[0])
        per_entry = used / options.entries * 1000
        server_note = ""
        if server_used is not None:
            server_note = f" (the server's: {server_used / options.entries * 1000:.3f} ms)"
        report = verify_chain()
        print(
            f"{connection.vendor}: {per_entry:.3f} ms of CPU an entry, best of 3 rounds of "
            f"{options.entries:,}{server_note}"
        )
        print(f"chain intact: {report.intact} ({report.entries_checked:,} entries checked)")


if __name__ == "__main__":
    main()
