"""Web latency benchmark: person search and case pages with 500,000 people in PostgreSQL.

Steps (each can be skipped): create the database ``casebridge_bench``, migrate it, load the
``large`` demo borough, start gunicorn with the production settings on loopback, sign in real
sessions (password, then a one-time code), then drive 20 concurrent clients and print latency
percentiles, throughput, error rates and the CPU a request costs the server, PostgreSQL and the
load generator itself. The server is stopped whatever happens.

The load generator stays cheap, as a load from other machines costs the server nothing: each
client replays its signed-in session over one keep-alive ``http.client`` connection, and the
clients are spread over a few processes (``--client-processes``), so no response waits for
another client's hold on one interpreter's lock.

    .venv/bin/python bench/web_latency.py                 # everything (load takes minutes)
    .venv/bin/python bench/web_latency.py --skip-load     # reuse the loaded database
    .venv/bin/python bench/web_latency.py --skip-load --database postgres://USER@HOST:PORT/NAME

Production settings redirect plain HTTP to HTTPS and mark cookies Secure. The benchmark does
not weaken them: like a TLS-terminating proxy, each request says ``X-Forwarded-Proto: https``
(``SECURE_PROXY_SSL_HEADER``), and the client returns the Secure cookies over the loopback
connection.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DATABASE = "casebridge_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
BENCH_PASSWORD = "Bench-Otter-Granite-93"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The clients spread over a few processes, as a load from other machines would not wait for one
# interpreter lock: with 20 clients in one process, a response waited for the lock held by
# others, and that wait was counted as the server's latency.
DEFAULT_CLIENT_PROCESSES = 4


def log(message: str) -> None:
    print(message, flush=True)


# --- the database ----------------------------------------------------------------------------


def postgres_database(database: str) -> tuple[str, str]:
    """The name and URL of ``--database``: a name on the local server (127.0.0.1:5432, user
    postgres), or the URL of a database on another."""
    url = database if "://" in database else f"postgres://postgres@127.0.0.1:5432/{database}"
    return urlsplit(url).path.lstrip("/"), url


def recreate_database(url: str) -> None:
    """Drop the database and create it empty, through the server's ``postgres`` database."""
    name = urlsplit(url).path.lstrip("/")
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def casebridge(*args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "casebridge"), *args], env=env, check=True)
    return time.perf_counter() - started


def load(size: str, env: dict[str, str]) -> None:
    log(f"migrate: {casebridge('migrate', '--verbosity', '0', env=env):.1f} s")
    seconds = casebridge("demo-data", "--size", size, env=env)
    log(f"demo-data --size {size}: {seconds:.1f} s")
    # As autovacuum leaves a database at rest: just loaded, no page is marked all-visible, and
    # the search's index-only scans read the table for every row (1,816 reads a search, seen).
    started = time.perf_counter()
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    log(f"vacuum: {time.perf_counter() - started:.1f} s")


# --- users and test data, straight from the ORM ------------------------------------------------


@dataclass(frozen=True)
class BenchUser:
    username: str
    key: str  # hex TOTP secret
    case_ids: list[str]


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_users(clients: int) -> tuple[list[BenchUser], int]:
    """One user per client (a code can be used once), half MARAC coordinators, half police."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casebridge.access.policy import Action, visible
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency, Role, Team
    from casebridge.pathways.models import Case
    from casebridge.people.models import Person

    kinds = [
        ("coordinator", "panel_coordinator", "nb-community-safety"),
        ("police", "practitioner", "nb-police"),
    ]
    password_hash = make_password(BENCH_PASSWORD)
    users = []
    for number in range(clients):
        label, role, agency_code = kinds[number % 2]
        agency = Agency.objects.get(code=agency_code)
        user, _ = User.objects.update_or_create(
            username=f"bench-{label}-{number:02d}",
            defaults={
                "agency": agency,
                "team": Team.objects.filter(agency=agency).first(),
                "password": password_hash,
                "is_active": True,
            },
        )
        user.roles.set([Role.objects.get(code=role)])
        key = secrets.token_hex(20)
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="bench", key=key, confirmed=True)
        # The cases this user may open, as the policy says: a MARAC coordinator sees MARAC's
        # cases, not every pathway's.
        cases = visible(user=user, action=Action.VIEW, queryset=Case.objects.all())
        case_ids = [str(pk) for pk in cases.values_list("pk", flat=True)]
        users.append(BenchUser(user.username, key, case_ids))
    return users, Person.objects.count()


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(port: int, workers: int, threads: int, env: dict[str, str]) -> Iterator[str]:
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.production",
        "CASEBRIDGE_SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "CASEBRIDGE_DEBUG": "0",
        "CASEBRIDGE_SECURE_COOKIES": "0",  # production settings keep cookies Secure regardless
        "CASEBRIDGE_LOG_LEVEL": "WARNING",
    }
    log_path = ROOT / "var" / "bench-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as server_log:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "casebridge.config.wsgi",
                # As a partnership runs it (casebridge/config/gunicorn.py), but for the shape.
                "--config=python:casebridge.config.gunicorn",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                f"--threads={threads}",
            ],
            cwd=ROOT,
            env=server_env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, process, log_path)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log_path}")
        try:
            # A worker's first answer may take longer than a poll: it is up, still warming.
            if new_session(base).get(f"{base}/sign-in/", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within a minute; see {log_path}")


# --- signed-in clients -----------------------------------------------------------------------


class LoopbackSession(requests.Session):
    """A browser behind the TLS proxy: it sends the Secure cookies back over loopback HTTP.

    (Requests copies the jar for each request, so a cookie policy would be lost; instead the
    Secure flag is dropped from the client's copy of each cookie once received.)
    """

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def new_session(base: str) -> requests.Session:
    session = LoopbackSession()
    # What a TLS-terminating proxy adds; CSRF checks the Origin of HTTPS POSTs.
    session.headers.update(
        {"X-Forwarded-Proto": "https", "Origin": base.replace("http:", "https:")}
    )
    return session


def csrf_token(response: requests.Response) -> str:
    match = CSRF_FIELD.search(response.text)
    if not match:
        raise RuntimeError(f"no CSRF token on {response.url} ({response.status_code})")
    return match.group(1)


def post(
    session: requests.Session, base: str, path: str, data: dict[str, str]
) -> requests.Response:
    url = f"{base}{path}"
    token = csrf_token(session.get(url, timeout=30))
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": url.replace("http:", "https:")},
        timeout=30,
        allow_redirects=False,
    )


def sign_in(base: str, user: BenchUser) -> requests.Session:
    from django_otp.oath import totp

    session = new_session(base)
    response = post(
        session, base, "/sign-in/", {"username": user.username, "password": BENCH_PASSWORD}
    )
    if response.status_code != 302 or "two-factor" not in response.headers.get("Location", ""):
        raise RuntimeError(f"password step failed for {user.username}: {response.status_code}")
    code = f"{totp(bytes.fromhex(user.key)):06d}"
    response = post(session, base, "/sign-in/two-factor/", {"code": code})
    if response.status_code != 302:
        raise RuntimeError(f"one-time code refused for {user.username}: {response.status_code}")
    if session.get(f"{base}/cases/", timeout=30, allow_redirects=False).status_code != 200:
        raise RuntimeError(f"{user.username} is not signed in after two-factor")
    return session


# --- load ------------------------------------------------------------------------------------

# What ``requests`` sends with every request, sent the same way so the server sees the same
# requests whichever client sends them.
BROWSER_HEADERS = {
    "User-Agent": f"python-requests/{requests.__version__}",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept": "*/*",
    "Connection": "keep-alive",
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Browser:
    """A signed-in session replayed over a keep-alive ``http.client`` connection, opened anew
    when the server closes it (the sync worker answers one request a connection): the cookies
    its sign-in left (returned as a browser behind the TLS proxy returns them, and replaced when
    the server sets them again), the proxy's headers, built once.

    ``requests`` spent several milliseconds of the load generator's CPU a request (a cookie jar
    copied, hooks, adapters), CPU the two shared cores then lacked for the server, and its
    threads' waits for the interpreter lock were counted as the server's latency.
    """

    def __init__(self, base: str, cookies: dict[str, str]) -> None:
        address = urlsplit(base)
        self.host, self.port = address.hostname or "127.0.0.1", address.port or 80
        self.cookies = dict(cookies)
        self.headers = {
            **BROWSER_HEADERS,
            "X-Forwarded-Proto": "https",
            "Origin": base.replace("http:", "https:"),
        }
        self._set_cookie_header()
        self.connection: http.client.HTTPConnection | None = None

    def _set_cookie_header(self) -> None:
        self.headers["Cookie"] = "; ".join(
            f"{name}={value}" for name, value in self.cookies.items()
        )

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> int:
        """The response's status, its body read so the connection can carry the next."""
        sent = {**self.headers, **headers} if headers else self.headers
        while True:
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request(method, path, body, sent)
                response = self.connection.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused:
                    continue  # the server closed an idle keep-alive connection: send it anew
                raise
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            if response.will_close:
                self.close()
            return response.status

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        if not set_cookies:
            return
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self._set_cookie_header()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


Call = Callable[[Browser, random.Random], int]


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    client_cpu: float = 0.0  # CPU seconds the load generator's processes spent while measured


def _run_clients(
    base: str,
    cookies: list[dict[str, str]],
    make_request: Callable[[int], Call],
    numbers: list[int],
    *,
    per_client: int,
    seconds: float,
    think: float,
    start: Any,  # a multiprocessing Barrier shared by every client and the parent
    results: Any,  # a multiprocessing Queue
) -> None:
    """One load process: its clients as threads, each on its own connection."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    cpu_at_start: list[float] = []

    def client(number: int) -> None:
        browser = Browser(base, cookies[number])
        rng, call = random.Random(number), make_request(number)
        for _ in range(3):  # warm-up: connections, caches
            call(browser, rng)
        start.wait()
        with lock:
            if not cpu_at_start:
                cpu_at_start.append(time.process_time())
        deadline = time.monotonic() + seconds
        mine: list[float] = []
        failed = 0
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            began = time.perf_counter()
            try:
                ok = call(browser, rng) == 200
            except (OSError, http.client.HTTPException):
                browser.close()
                ok = False
            mine.append(time.perf_counter() - began)
            failed += not ok
            if think:
                # A person reads the page before the next request; jitter avoids lock-step.
                time.sleep(rng.uniform(0.5, 1.5) * think)
        browser.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((latencies, errors[0], time.process_time() - cpu_at_start[0]))


def drive(
    base: str,
    cookies: list[dict[str, str]],
    make_request: Callable[[int], Call],
    *,
    processes: int,
    requests_total: int,
    seconds: float,
    think: float,
) -> tuple[Results, float]:
    """Run one client per signed-in session (``cookies``), spread over ``processes`` processes
    (round robin), all starting at once; the latencies, errors and the load processes' CPU once
    the last has finished."""
    context = multiprocessing.get_context("fork")  # ``make_request``'s closures go as they are
    clients = len(cookies)
    processes = max(1, min(processes, clients))
    start, queue = context.Barrier(clients + 1), context.Queue()
    per_client = -(-requests_total // clients)
    workers = [
        context.Process(
            target=_run_clients,
            args=(base, cookies, make_request, list(range(first, clients, processes))),
            kwargs={
                "per_client": per_client,
                "seconds": seconds,
                "think": think,
                "start": start,
                "results": queue,
            },
            daemon=True,
        )
        for first in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    results = Results()
    for _ in workers:
        latencies, errors, cpu = queue.get()
        results.latencies.extend(latencies)
        results.errors += errors
        results.client_cpu += cpu
    wall = time.perf_counter() - began
    for worker in workers:
        worker.join()
    return results, wall


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _process_cpu(pid: int) -> float:
    """CPU seconds (user and system) a process has used so far, 0 if it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(port: int) -> tuple[float, float]:
    """CPU seconds so far of this run's gunicorn processes (by their port) and of PostgreSQL's
    backends on the bench database (by its exact name): divided by the requests served, what a
    request costs whatever else the machine is doing, other benchmarks included. (A backend
    that ends mid-run takes its share with it: a lower bound.)"""
    app = database = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, PermissionError):
            continue
        if "gunicorn" in command and f"--bind=127.0.0.1:{port} " in command:
            app += _process_cpu(int(entry.name))
        elif command.startswith("postgres: ") and f" {DATABASE} " in command:
            database += _process_cpu(int(entry.name))
    return app, database


def report(name: str, results: Results, wall: float) -> None:
    values = results.latencies
    if not values:
        log(f"{name}: no requests completed")
        return
    ms = [v * 1000 for v in values]
    log(
        f"{name:<14} n={len(ms):>5}  p50 {percentile(ms, 0.5):6.1f} ms  "
        f"p95 {percentile(ms, 0.95):6.1f} ms  p99 {percentile(ms, 0.99):6.1f} ms  "
        f"mean {statistics.fmean(ms):6.1f} ms  {len(ms) / wall:6.1f} req/s  "
        f"errors {results.errors / len(ms):.2%}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-create", action="store_true", help="keep the existing database")
    parser.add_argument("--skip-load", action="store_true", help="no create, migrate or load")
    parser.add_argument("--size", default="large", choices=["tiny", "borough", "large"])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="per scenario")
    parser.add_argument("--seconds", type=float, default=120, help="per scenario, at most")
    parser.add_argument("--workers", type=int, help="gunicorn's processes (default: its config's)")
    parser.add_argument("--threads", type=int, help="threads a process (default: its config's)")
    parser.add_argument(
        "--client-processes",
        type=int,
        default=DEFAULT_CLIENT_PROCESSES,
        help="processes the clients are spread over",
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[0.0, 1.0],
        help="mean seconds each client waits between requests; 0 is a closed loop (saturation)",
    )
    parser.add_argument(
        "--database",
        default="casebridge_bench",
        help="the PostgreSQL database (or a copy): a name on 127.0.0.1:5432, or a URL",
    )
    args = parser.parse_args()
    global DATABASE, DATABASE_URL
    DATABASE, DATABASE_URL = postgres_database(args.database)

    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.local",
    }
    if not args.skip_load:
        if not args.skip_create:
            recreate_database(DATABASE_URL)
            log(f"created database {DATABASE}")
        load(args.size, env)
    setup_django(env)
    from casebridge.config import gunicorn as server_shape

    workers, threads = args.workers or server_shape.workers, args.threads or server_shape.threads
    users, people = prepare_users(args.clients)
    from casebridge.demo.names import load_pools

    pools = load_pools()
    family_names = pools.all_family_names()
    given_names = sorted({n for pool in pools.names.values() for n in (*pool.female, *pool.male)})

    port = free_port()
    with gunicorn(port, workers, threads, env) as base:
        log(f"gunicorn at {base}: {workers} workers x {threads} threads")
        sessions = [sign_in(base, user) for user in users]
        log(f"signed in {len(sessions)} sessions ({len(users) // 2} coordinators, rest police)")

        search_path, referer = (
            "/people/search/",
            f"{base}/people/search/".replace("http:", "https:"),
        )

        def search(number: int) -> Call:
            def call(browser: Browser, rng: random.Random) -> int:
                data = {"family_name": rng.choice(family_names), "given_name": ""}
                if rng.random() < 0.3:
                    data["given_name"] = rng.choice(given_names)[:3]
                body = urlencode({**data, "csrfmiddlewaretoken": tokens[number]}).encode()
                return browser.request("POST", search_path, body, {**FORM, "Referer": referer})

            return call

        def case_page(number: int) -> Call:
            paths = [f"/cases/{case_id}/" for case_id in users[number].case_ids]

            def call(browser: Browser, rng: random.Random) -> int:
                return browser.request("GET", rng.choice(paths))

            return call

        # Each session's form token, fetched once as a browser would from the search page.
        tokens = [csrf_token(s.get(f"{base}/people/search/", timeout=30)) for s in sessions]
        cookies = [{cookie.name: cookie.value or "" for cookie in s.cookies} for s in sessions]
        log(f"people in the database: {people:,}")
        for think in args.think:
            log(
                f"{args.clients} clients in {min(args.client_processes, args.clients)} "
                f"processes, think time {think:g} s"
            )
            for name, maker in (("person search", search), ("case page", case_page)):
                app_before, database_before = server_cpu(port)
                results, wall = drive(
                    base,
                    cookies,
                    maker,
                    processes=args.client_processes,
                    requests_total=args.requests,
                    seconds=args.seconds,
                    think=think,
                )
                app_after, database_after = server_cpu(port)
                report(name, results, wall)
                if results.latencies:
                    served = len(results.latencies)
                    log(
                        f"{'':<14} server CPU a request: app "
                        f"{(app_after - app_before) / served * 1000:.1f} ms, database "
                        f"{(database_after - database_before) / served * 1000:.1f} ms; "
                        f"load generator {results.client_cpu / served * 1000:.1f} ms"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
