"""A MARAC case from a police referral to closure, and a police extract imported, clicked
through in headless Chromium.

The server runs in its own process on its own SQLite database, a copy of the run's tiny demo
borough (tests/tiny_borough.py: migrated, definitions synced, loaded by demo-data), served as
`make demo` serves it; each person signs in with a password and a one-time code as a real user
would.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.oath import TOTP

from casebridge.demo.organisation import DEMO_PASSWORD, totp_key

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CASEBRIDGE_CHROMIUM", "/usr/bin/chromium")
PASSWORD_LINE = "Password for every demo user: "
OFFICER, COORDINATOR = "sam.okafor", "maria.costa"
SEED = 2022  # the tiny borough's: each user's authenticator key follows from it
LAST_STEP: dict[str, int] = {}  # the 30-second step of the code each user last signed in with

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is installed by `make test` (make browser)"
    ),
    # The server runs on its own SQLite database whichever database the suite uses: once is
    # enough.
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the walk-through runs in the SQLite run"
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tiny_borough, django_db_blocker, tmp_path_factory) -> Iterator[tuple[str, str]]:
    database = tmp_path_factory.mktemp("e2e") / "casebridge.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        with closing(sqlite3.connect(database)) as copy:
            connection.connection.backup(copy)
    served_password_hashes(database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "CASEBRIDGE_SNAPSHOT_DIR": str(database.parent / "snapshots"),
        "CASEBRIDGE_IMPORT_DIR": str(database.parent / "imports"),
        "CASEBRIDGE_TASK_LEASE_DIR": str(database.parent / "leases"),
    }
    password = next(
        line.split(PASSWORD_LINE, 1)[1].strip()
        for line in tiny_borough.output.splitlines()
        if PASSWORD_LINE in line
    )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "casebridge", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Its worker, as `make demo` starts one: the import and the figures' refresh run there.
    with (database.parent / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "casebridge", "worker"], env=env, stdout=log, stderr=log
        )
    try:
        # The server may take a while to start on a busy machine (the suite runs on every core).
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", password
    finally:
        process.terminate()
        worker.terminate()
        process.wait(timeout=10)
        worker.wait(timeout=60)


def served_password_hashes(database: Path) -> None:
    """The borough was loaded under the test settings' MD5 hasher, which the served settings
    do not accept: its users get the demo password hashed as `make demo`'s are (one hash for
    all, as demo-data makes it); those that can never sign in keep their unusable password."""
    hasher = PBKDF2PasswordHasher()
    hashed = hasher.encode(DEMO_PASSWORD, hasher.salt())
    with closing(sqlite3.connect(database)) as copy, copy:
        copy.execute("UPDATE accounts_user SET password = ? WHERE password LIKE 'md5$%'", (hashed,))


@pytest.fixture(scope="module")
def browser(server):
    # After the server, which copies the borough: Playwright runs an event loop in this thread
    # until the browser closes, and Django refuses to use the database inside one.
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def sign_in(browser, server, username):
    base, password = server
    context = browser.new_context(base_url=base)
    context.set_default_timeout(8000)
    page = context.new_page()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    if username in LAST_STEP:  # a code works once, even in a new session
        page.get_by_label("Security code").fill(one_time_code(username, LAST_STEP[username]))
        page.get_by_role("button", name="Sign in").click()
        # Waits for the refusal (in the summary and at the field): read at once, the page may
        # still be on its way (empty).
        page.get_by_text("wrong or has already been used").first.wait_for()
    # This step's code, or the next step's once this one is used: the server accepts a code
    # one step either side of its clock, as an authenticator app running a little fast.
    step = max(int(time.time()) // STEP, LAST_STEP.get(username, -1) + 1)
    LAST_STEP[username] = step
    page.get_by_label("Security code").fill(one_time_code(username, step))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    return page


STEP = 30  # seconds: each code's lifetime


def one_time_code(username: str, step: int) -> str:
    """The code the user's authenticator app shows during the 30-second ``step``."""
    totp = TOTP(bytes.fromhex(totp_key(SEED, username)), STEP)
    totp.time = step * STEP
    return f"{totp.token():06d}"


def fill_date(page, field, day):
    page.fill(f"input[name={field}_day]", str(day.day))
    page.fill(f"input[name={field}_month]", str(day.month))
    page.fill(f"input[name={field}_year]", str(day.year))


def test_police_referral_to_meeting_action_and_closure(browser, server):
    officer = sign_in(browser, server, OFFICER)

    # The officer records the victim and refers her to MARAC on professional judgement.
    officer.goto("/people/new/")
    officer.get_by_label("Given name").fill("Walkthrough")
    officer.get_by_label("Family name").fill("Testcase")
    officer.get_by_role("button", name="Save person").click()
    officer.get_by_role("button", name="Refer to a pathway").click()
    officer.get_by_label("Domestic abuse MARAC").check()
    officer.get_by_label("Why are you making this referral?").fill("Strangled last night.")
    officer.get_by_label("Given", exact=True).check()
    officer.get_by_label("Consent (UK GDPR 6(1)(a), 9(2)(a))").check()
    officer.get_by_label("Professional judgement", exact=False).fill("Threats to kill; fears")
    officer.get_by_role("button", name="Make referral").click()
    case_url = officer.url
    reference = officer.locator("h1").inner_text()
    assert "MARAC-" in reference
    assert "Referred" in officer.content()

    # The coordinator accepts it, schedules a meeting with the police, builds the agenda and
    # agrees an action owned by the police.
    coordinator = sign_in(browser, server, COORDINATOR)
    coordinator.goto(case_url)
    coordinator.get_by_role("button", name="Accept referral").click()
    assert "Accepted" in coordinator.content()
    coordinator.goto("/meetings/new/")
    coordinator.get_by_label("Title").fill("MARAC walkthrough")
    fill_date(coordinator, "date", date.today() + timedelta(days=7))
    coordinator.get_by_label("Start time").fill("10:00")
    coordinator.get_by_label("Northbridge Police").check()
    coordinator.get_by_role("button", name="Schedule meeting").click()
    coordinator.get_by_role("button", name="Build agenda from accepted referrals").click()
    assert reference.split()[0] in coordinator.content()
    coordinator.get_by_role("link", name=f"Agree an action for {reference.split()[0]}").click()
    coordinator.get_by_label("What is to be done?").fill("Flag the address for urgent response")
    coordinator.get_by_label("Which agency owns it?").select_option(label="Northbridge Police")
    fill_date(coordinator, "due_date", date.today() + timedelta(days=14))
    coordinator.get_by_role("button", name="Agree action").click()

    # The police complete the action.
    officer.goto("/actions/")
    # The borough's police have open actions of their own: theirs on this case is the one.
    officer.get_by_role("link", name=f"Complete action on {reference.split()[0]}").click()
    officer.get_by_label("What was done?").fill("Address flagged on the police system")
    officer.get_by_role("button", name="Mark as completed").click()
    officer.goto(case_url)
    assert "Action completed" in officer.content()

    # The coordinator opens and then closes the case with a reason.
    coordinator.goto(case_url)
    coordinator.get_by_role("button", name="Open case").click()
    coordinator.locator("textarea[name=reason]").fill("Actions completed; risk reduced")
    coordinator.get_by_role("button", name="Close case").click()
    assert "Closed" in coordinator.locator("main").inner_text()


def test_the_coordinator_computes_the_figures_and_drills_down_to_the_referrals(browser, server):
    coordinator = sign_in(browser, server, COORDINATOR)
    # The first page of a new snapshot computes every figure (then they are kept): allow for a
    # busy machine.
    coordinator.set_default_timeout(60_000)
    coordinator.get_by_role("link", name="Figures").click()
    coordinator.get_by_role("button", name="Compute the figures now").click()
    # The worker takes the snapshot; the page follows it and reloads with the figures. Wait for
    # that reload, as the coordinator would: one arriving later would cut the drill-down short.
    assert "being refreshed from the records in the background" in coordinator.content()
    coordinator.locator("[data-run-status]").wait_for(state="detached")
    # The demo's history ends in March 2023 (the walk-through above adds today's referrals).
    coordinator.get_by_label("Quarter", exact=True).select_option("Q4 22/23")
    coordinator.get_by_role("button", name="Show figures").click()
    table = coordinator.locator("table", has_text="MARAC referrals").first
    assert "four quarters to Q4 22/23" in table.inner_text()
    assert "Trend, eight periods" in table.inner_text()

    coordinator.get_by_role("link", name="MARAC referrals", exact=True).click()
    assert "Referrals to the domestic abuse MARAC" in coordinator.content()
    coordinator.get_by_role("link", name="Records counted").first.click()
    rows = coordinator.locator("tbody tr")
    assert rows.count() > 0
    assert "MARAC-" in rows.first.inner_text()
    rows.first.get_by_role("link").click()
    assert "/cases/" in coordinator.url


ANALYST = "lee.chen"


def test_the_analyst_imports_a_police_extract_and_sees_the_rows_it_rejected(
    browser, server, tmp_path
):
    header = (
        "crime_reference,offence_group,domestic_abuse_flag,occurred_at,victim_given_name,"
        "victim_family_name,victim_date_of_birth,victim_sex,victim_postcode"
    )
    rows = [
        f"E2E/{n:05d},domestic_abuse,Y,2023-01-{1 + n % 28:02d} 21:00,Ann,Walker{n},"
        f"1985-06-{1 + n % 28:02d},F,NB1 2AB"
        for n in range(3000)
    ]
    rows[7] = rows[7].replace(",F,", ",X,")
    extract = tmp_path / "police-offences.csv"
    extract.write_text("\n".join([header, *rows]) + "\n")

    analyst = sign_in(browser, server, ANALYST)
    analyst.set_default_timeout(60_000)
    analyst.get_by_role("link", name="Imports").click()
    analyst.get_by_role("link", name="Import a file").click()
    analyst.get_by_label("What the file holds").select_option("police-offences")
    analyst.get_by_label("Whose extract it is").select_option(label="Northbridge Police")
    analyst.get_by_label("The file (CSV UTF-8 or Excel .xlsx)").set_input_files(extract)
    analyst.get_by_role("button", name="Import").click()
    # The file loads in the worker; the page follows it and shows the summary.
    analyst.get_by_text("2999 rows loaded").wait_for()
    assert "1 rejected" in analyst.content()
    analyst.get_by_role("link", name="All 1 rejected rows, with what they said").click()
    rejected = analyst.locator("main").inner_text()
    assert "victim_sex: 'X' is not F or M" in rejected and "E2E/00007" in rejected
