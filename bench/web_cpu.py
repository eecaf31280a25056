"""CPU of one request to the person search and the case page, in process, by CPU clock.

    .venv/bin/python bench/web_cpu.py --database postgres://postgres@127.0.0.1:5432/casebridge_bench
    .venv/bin/python bench/web_cpu.py --database ... --profile case   # where a case page's CPU goes

On a shared machine wall-clock latency is mostly other people's work; CPU time is not. This
makes requests one at a time through Django's test client with the production settings (as
bench/web_latency.py's server runs them, HTTPS as if behind the proxy), signed in as the bench's
users (a MARAC coordinator and a police officer, in turn), and times each by
``time.process_time`` (this process: the application) and by the CPU the PostgreSQL backend
serving it spent (``/proc/<backend pid>/stat``, in 10 ms ticks: read the mean). Both still move
with the machine's load (caches, clock speed), so it also counts the Python calls a request
makes, which the load cannot move: compare those first.

The database is a loaded demo borough (``bench/web_latency.py`` loads one); each request
appends its audit entry to it, as in production, and the bench's first two users are set up
again (as bench/web_latency.py does every run).
"""

import argparse
import cProfile
import gc
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TICKS = os.sysconf("SC_CLK_TCK")


def set_up(database: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database,
            "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.production",
            "CASEBRIDGE_SECRET_KEY": secrets.token_urlsafe(48)[:64],
            "CASEBRIDGE_DEBUG": "0",
            "CASEBRIDGE_LOG_LEVEL": "WARNING",
        }
    )
    # As the server starts (with the process's long-lived objects frozen out of the collector).
    import casebridge.config.wsgi  # noqa: F401


def backend_cpu_seconds() -> float:
    """CPU (user + system) of the PostgreSQL backend serving this process's connection."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


class CollectorClock:
    """CPU time spent in the cyclic garbage collector, by generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.runs = [0, 0, 0]
        self._started = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds[info["generation"]] += time.process_time() - self._started
            self.runs[info["generation"]] += 1

    def total(self) -> float:
        return sum(self.seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="DATABASE_URL of a loaded borough")
    parser.add_argument("--requests", type=int, default=100, help="per page and user")
    parser.add_argument("--profile", choices=["search", "case"], help="print one page's profile")
    args = parser.parse_args()
    set_up(args.database)

    from django.conf import settings
    from django.db import close_old_connections
    from django.test import Client
    from web_latency import prepare_users

    from casebridge.accounts.models import User
    from casebridge.demo.names import load_pools
    from tests.factories import sign_in

    settings.ALLOWED_HOSTS = ["testserver"]
    users, people = prepare_users(2)
    pools = load_pools()
    family_names = pools.all_family_names()
    rng = random.Random(7)

    clients = []
    for bench_user in users:
        client = Client(enforce_csrf_checks=False)
        sign_in(client, User.objects.get(username=bench_user.username))
        clients.append((client, bench_user))

    def search(client: Client, _user) -> int:
        data = {"family_name": rng.choice(family_names), "given_name": ""}
        return client.post("/people/search/", data, secure=True).status_code

    def case(client: Client, user) -> int:
        return client.get(f"/cases/{rng.choice(user.case_ids)}/", secure=True).status_code

    pages: dict[str, Callable] = {"search": search, "case": case}
    collector = CollectorClock()
    print(f"people in the database: {people:,}")
    for name, page in pages.items():
        for client, user in clients:  # warm-up: imports, templates, compiled rules
            for _ in range(5):
                page(client, user)
        app, database = [], []
        app_by_user: dict[str, list[float]] = {user.username: [] for _, user in clients}
        collected, runs = collector.total(), list(collector.runs)
        for _ in range(args.requests):
            for client, user in clients:
                close_old_connections()
                cpu, db = time.process_time(), backend_cpu_seconds()
                status = page(client, user)
                app.append(time.process_time() - cpu)
                app_by_user[user.username].append(app[-1])
                database.append(backend_cpu_seconds() - db)
                assert status == 200, (name, status)
        collected = (collector.total() - collected) / len(app)
        runs = [(now - then) / len(app) for then, now in zip(runs, collector.runs, strict=True)]
        # Python calls per request: a measure of the work that the machine's load cannot move.
        profilers = {user.username: cProfile.Profile(time.process_time) for _, user in clients}
        counted = max(1, args.requests // 4)
        for _ in range(counted):
            for client, user in clients:
                profilers[user.username].runcall(page, client, user)
        calls_by_user = {
            username: pstats.Stats(profiler).total_calls / counted  # type: ignore[attr-defined]
            for username, profiler in profilers.items()
        }
        stats = pstats.Stats(*profilers.values())
        calls = stats.total_calls / (counted * len(clients))  # type: ignore[attr-defined]
        print(
            f"{name:<7} n={len(app)}  app CPU median {statistics.median(app) * 1000:6.2f} ms  "
            f"mean {statistics.fmean(app) * 1000:6.2f} ms   "
            f"database CPU mean {statistics.fmean(database) * 1000:6.2f} ms   "
            f"Python calls {calls:,.0f}"
        )
        print(
            f"{'':<7} garbage collection {collected * 1000:.2f} ms a request "
            f"(collections a request by generation: {', '.join(f'{r:.2f}' for r in runs)}; "
            f"{len(gc.get_objects()):,} objects tracked)"
        )
        for username, times in app_by_user.items():
            print(
                f"{'':<7} {username:<22} app CPU median {statistics.median(times) * 1000:6.2f} ms"
                f"   Python calls {calls_by_user[username]:,.0f}"
            )
        if args.profile == name:
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
