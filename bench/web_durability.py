"""Web server durability: kill -9 the web server under a write load, again and again, then check
that every write it acknowledged is in the database.

Each cycle starts gunicorn with the production settings (casebridge/config/gunicorn.py, on a
free loopback port) against PostgreSQL, waits for it to say it is ready (``/health/ready/``),
lets the clients write for a random moment, and kills the server's whole process group with
SIGKILL (the arbiter and its workers: what a machine losing the process sees, with requests in
flight). The clients are signed-in practitioners recording people through the page a person
uses ("Add a person", POST ``/people/new/``); a write is acknowledged when the server answers
with the redirect to the new person's page, whose id the client keeps. A request cut off by the
kill is not acknowledged: its person may or may not have been recorded, and either is right.

At the end every acknowledged person must be in the database, and the audit chain, written in
the same transaction as each person, must verify. It prints the cycles, the writes
acknowledged, the acknowledged writes missing (0, or the bench fails), the writes recorded
whose answer the kill cut off, how long the server took to come back, and the chain's check.

    .venv/bin/python bench/web_durability.py                   # 100 cycles, a fresh database
    .venv/bin/python bench/web_durability.py --cycles 3 --database postgres://.../NAME --skip-create
"""

import argparse
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from web_latency import (
    BENCH_PASSWORD,
    BenchUser,
    csrf_token,
    free_port,
    postgres_database,
    recreate_database,
    sign_in,
)

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE = "cb_ops_20_durability"
PERSON_PAGE = re.compile(r"/people/([0-9a-f-]{36})/$")
FAMILY_NAME = "Durable"


def log(message: str) -> None:
    print(message, flush=True)


# --- the database and the users --------------------------------------------------------------


def set_up(url: str, *, create: bool, clients: int) -> list[BenchUser]:
    """Django set up on the database (created and migrated first if asked), with a signed-in
    practitioner's account for each client."""
    if create:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebridge.config.settings.local"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency, Role

    if create:
        call_command("migrate", verbosity=0)
        call_command("sync_definitions", verbosity=0)
    agency, _ = Agency.objects.get_or_create(
        code="bench-durability", defaults={"name": "Bench Durability Police", "kind": "police"}
    )
    password = make_password(BENCH_PASSWORD)
    users = []
    for number in range(clients):
        user, _ = User.objects.update_or_create(
            username=f"bench-durable-{number:02d}",
            defaults={
                "agency": agency,
                "password": password,
                "is_active": True,
            },
        )
        user.roles.set([Role.objects.get(code="practitioner")])
        key = secrets.token_hex(20)
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="bench", key=key, confirmed=True)
        users.append(BenchUser(user.username, key, []))
    from django.db import connections

    connections.close_all()
    return users


# --- the server ------------------------------------------------------------------------------


class Server:
    """Gunicorn with the production settings, in a process group of its own so that one
    SIGKILL reaches the arbiter and every worker at once."""

    def __init__(self, url: str, port: int, log_path: Path) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.production",
            "CASEBRIDGE_SECRET_KEY": secrets.token_urlsafe(48),
            "CASEBRIDGE_DEBUG": "0",
            "CASEBRIDGE_LOG_LEVEL": "WARNING",
            "CASEBRIDGE_WEB_WORKERS": "2",
            # Each start is a new process: no idle connection kept across requests either.
            "CASEBRIDGE_DB_CONN_MAX_AGE": "0",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start it; the seconds until it said it was ready."""
        started = time.perf_counter()
        with self.log_path.open("a") as server_log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "casebridge.config.wsgi",
                    "--config=python:casebridge.config.gunicorn",
                    f"--bind=127.0.0.1:{self.port}",
                ],
                cwd=ROOT,
                env=self.environment,
                stdout=server_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if requests.get(f"{self.base}/health/ready/", timeout=5).status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn was not ready within a minute; see {self.log_path}")

    def kill(self) -> None:
        """kill -9 of the arbiter and every worker, as one."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None


# --- the writers -----------------------------------------------------------------------------


@dataclass
class Writes:
    acknowledged: list[str] = field(default_factory=list)  # the people's ids
    cut_off: int = 0  # requests the kill ended before an answer
    refused: int = 0  # answered, but not with the new person's page
    lock: threading.Lock = field(default_factory=threading.Lock)


def signed_in(base: str, user: BenchUser) -> tuple[requests.Session, str]:
    """A session signed in (password, then a one-time code), and its form token. Sessions are
    kept in the database, so it stays signed in across the server's restarts."""
    session = sign_in(base, user)
    return session, csrf_token(session.get(f"{base}/people/new/", timeout=30))


def writer(
    base: str,
    client: tuple[requests.Session, str],
    number: int,
    writes: Writes,
    running: threading.Event,
    stop: threading.Event,
) -> None:
    """Record people, one after another, while the server is up; wait while it is down."""
    session, token = client
    url = f"{base}/people/new/"
    headers = {"Referer": url.replace("http:", "https:")}
    written = 0
    while not stop.is_set():
        if not running.wait(timeout=0.1):
            continue
        written += 1
        form = {
            "given_name": f"Client{number}-{written}",
            "family_name": FAMILY_NAME,
            "sex": "not_known",
            "ethnicity": "not_recorded",
            "disability": "not_known",
            "confirm_new": "on",
            "csrfmiddlewaretoken": token,
        }
        try:
            response = session.post(
                url, data=form, headers=headers, timeout=30, allow_redirects=False
            )
        except requests.RequestException:
            with writes.lock:
                writes.cut_off += 1
            time.sleep(0.02)
            continue
        found = PERSON_PAGE.search(response.headers.get("Location", ""))
        with writes.lock:
            if response.status_code == 302 and found:
                writes.acknowledged.append(found.group(1))
            else:
                writes.refused += 1


# --- the run ---------------------------------------------------------------------------------


def missing(url: str, acknowledged: list[str]) -> tuple[int, int]:
    """How many acknowledged people the database lacks, and how many bench people it holds."""
    with psycopg.connect(url) as connection:
        held = {
            str(row[0])
            for row in connection.execute(
                "SELECT p.id FROM people_person p JOIN people_personname n "
                "ON n.person_id = p.id WHERE n.family_name = %s",
                [FAMILY_NAME],
            )
        }
    return len(set(acknowledged) - held), len(held)


def verify_audit(url: str) -> str:
    run = subprocess.run(
        [str(BIN / "casebridge"), "verify-audit"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    return (run.stdout + run.stderr).strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--up",
        type=float,
        nargs=2,
        default=(0.5, 2.0),
        metavar=("MIN", "MAX"),
        help="seconds of writing before each kill, drawn evenly between these",
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="a name or a URL")
    parser.add_argument("--skip-create", action="store_true", help="a migrated database")
    parser.add_argument("--seed", type=int, default=20261208)
    options = parser.parse_args()
    _, url = postgres_database(options.database)
    users = set_up(url, create=not options.skip_create, clients=options.clients)
    rng = random.Random(options.seed)
    log_path = ROOT / "var" / "bench-durability-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    log_path.write_text("")
    server = Server(url, free_port(), log_path)

    writes, running, stop = Writes(), threading.Event(), threading.Event()
    started_in: list[float] = [server.start()]
    clients = [signed_in(server.base, user) for user in users]
    threads = [
        threading.Thread(
            target=writer, args=(server.base, client, n, writes, running, stop), daemon=True
        )
        for n, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    up_seconds = 0.0
    try:
        for cycle in range(options.cycles):
            if cycle:
                started_in.append(server.start())
            running.set()
            up = rng.uniform(*options.up)
            time.sleep(up)
            up_seconds += up
            server.kill()
            running.clear()
    finally:
        stop.set()
        running.set()
        for thread in threads:
            thread.join(timeout=60)
        if server.process is not None:
            server.kill()

    lost, held = missing(url, writes.acknowledged)
    acknowledged = len(writes.acknowledged)
    log(
        f"{options.cycles} kill -9 cycles of gunicorn (production settings, PostgreSQL), "
        f"{options.clients} clients recording people"
    )
    log(
        f"  acknowledged writes: {acknowledged:,} ({acknowledged / up_seconds:.1f} a second "
        f"while up)"
    )
    log(f"  acknowledged writes missing from the database: {lost}")
    log(
        f"  requests cut off by a kill: {writes.cut_off:,}; recorded without an answer: "
        f"{held - acknowledged:,}"
    )
    log(f"  refused (answered without the new person): {writes.refused}")
    log(
        f"  ready after a start: median {statistics.median(started_in):.2f} s, "
        f"max {max(started_in):.2f} s"
    )
    log(f"  audit chain: {verify_audit(url)}")
    if lost:
        raise SystemExit(f"{lost} acknowledged writes were lost")
    if not acknowledged:
        raise SystemExit(f"no write was acknowledged; see {log_path}")


if __name__ == "__main__":
    main()
