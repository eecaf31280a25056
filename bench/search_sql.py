"""The person search's query alone: PostgreSQL CPU a run, and its plan's buffers.

    .venv/bin/python bench/search_sql.py --database postgres://postgres@127.0.0.1:5432/casebridge_bench
    .venv/bin/python bench/search_sql.py --database ... smith pat souza smith:jo smith::1985-03-02

For each of the bench's first two users (a MARAC coordinator and a police officer, set up again
as bench/web_latency.py sets them up) and each search (``family[:given[:date of birth]]``), runs
``person_search`` once to catch the statement that finds the people, then that statement
``--runs`` times (``--prepared``: as the server runs it, prepared on the connection) and reads
the CPU its PostgreSQL backend spent (``/proc/<pid>/stat``, 10 ms
ticks: hence many runs), and the shared buffers ``EXPLAIN (ANALYZE, BUFFERS)`` touched, the
figure the machine's load cannot move. A search the form refuses (too many names) is shown as
such.
"""

import argparse
import os
import re
import secrets
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TICKS = os.sysconf("SC_CLK_TCK")
USERS = ("bench-coordinator-00", "bench-police-01")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="DATABASE_URL of a loaded borough")
    parser.add_argument("--runs", type=int, default=40, help="runs of each statement")
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="run it as the server does: prepared on the connection, values bound by PostgreSQL",
    )
    parser.add_argument(
        "searches", nargs="*", default=["smith", "jon", "pat", "clark", "souza", "smith:jo"]
    )
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": args.database,
            "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.production",
            "CASEBRIDGE_SECRET_KEY": secrets.token_urlsafe(48)[:64],
            "CASEBRIDGE_DEBUG": "0",
        }
    )
    import django

    django.setup()
    from django.db import connection
    from web_latency import prepare_users

    from casebridge.accounts.models import User
    from casebridge.core.errors import ApplicationError
    from casebridge.core.prepared import statement_cursor
    from casebridge.people.selectors import person_search

    def backend_cpu() -> float:
        pid = connection.connection.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    caught: list[tuple[str, Any]] = []

    def catch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        # The statement that orders and limits the people found (the one query that grows).
        if "ORDER BY" in sql and "LIMIT" in sql and not caught:
            caught.append((sql, params))
        return execute(sql, params, many, context)

    prepare_users(len(USERS))
    print(f"{'user':<22} {'search':<20} {'found':>5} {'CPU a run':>10} {'buffers':>8}")
    for username in USERS:
        user = User.objects.get(username=username)
        for search in args.searches:
            family, _, rest = search.partition(":")
            given, _, born = rest.partition(":")
            caught.clear()
            try:
                with connection.execute_wrapper(catch):
                    found = person_search(
                        user=user,
                        family_name=family,
                        given_name=given,
                        date_of_birth=date.fromisoformat(born) if born else None,
                    )
            except ApplicationError:
                print(f"{username:<22} {search:<20} refused: too many names")
                continue
            sql, params = caught[0]
            with statement_cursor() if args.prepared else connection.cursor() as cursor:
                for _ in range(6):  # warm; prepared, and past PostgreSQL's five custom plans
                    cursor.execute(sql, params)
                    cursor.fetchall()
                before = backend_cpu()
                for _ in range(args.runs):
                    cursor.execute(sql, params)
                    cursor.fetchall()
                cpu = (backend_cpu() - before) / args.runs * 1000
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            hit = re.search(r"Buffers: shared hit=(\d+)", plan)
            print(
                f"{username:<22} {search:<20} {len(found):>5} {cpu:>7.2f} ms "
                f"{hit.group(1) if hit else '?':>8}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
