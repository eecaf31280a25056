"""How long one authorisation takes, and how many queries the case and person pages run.

    .venv/bin/python bench/authorize.py                                # var/bench_authorize.sqlite3
    .venv/bin/python bench/authorize.py --database /tmp/borough.sqlite3  # a borough already built
    .venv/bin/python bench/authorize.py --size tiny                    # smoke run

The database is a demo borough (``casebridge demo-data``); without ``--database`` one of
``--size`` is generated into ``var/bench_authorize.sqlite3`` (kept for the next run). A copy of
the database is used, so the page requests' audit entries never change the original.

It times ``authorize(view)`` by a practitioner on a case their agency owns and on a person
named in one of that agency's cases (recorded by another agency, so the check goes through the
cases), and by a panel coordinator (every case):

* cold: a fresh user object per call, as at the start of every request (facts loaded again);
* warm: the same user object, as the second and later checks in one request.

Then it counts the queries of one request to the case page and to the person page.
"""

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def set_up(database: Path | None, size: str) -> Path:
    if database is None:
        database = ROOT / "var" / f"bench_authorize_{size}.sqlite3"
        if not database.exists():
            _build(database, size)
    work = Path(tempfile.mkdtemp(prefix="casebridge-bench-authorize-")) / "authorize.sqlite3"
    atexit.register(shutil.rmtree, work.parent, ignore_errors=True)
    shutil.copy(database, work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.local")
    os.environ["CASEBRIDGE_DEBUG"] = "0"
    import django

    django.setup()
    return work


def _build(database: Path, size: str) -> None:
    import subprocess

    database.parent.mkdir(exist_ok=True)
    # The demo's settings unless told otherwise (the command's own default is production).
    env = {
        "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.local",
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
    }
    casebridge = [sys.executable, "-m", "casebridge"]
    for command in (["migrate", "--verbosity", "0"], ["sync-definitions"]):
        subprocess.run([*casebridge, *command], check=True, env=env, cwd=ROOT)
    started = time.perf_counter()
    subprocess.run([*casebridge, "demo-data", "--size", size], check=True, env=env, cwd=ROOT)
    print(f"demo-data --size {size}: {time.perf_counter() - started:.1f} s")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:.4f} ms, p95 {p95 * 1000:.4f} ms"


def timed(check, *, user_for_call, calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        user = user_for_call()
        started = time.perf_counter()
        check(user)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path)
    parser.add_argument("--size", default="tiny", choices=["tiny", "borough"])
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    set_up(args.database, args.size)

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from casebridge.access.policy import authorize, visible
    from casebridge.accounts.models import User
    from casebridge.pathways.models import Case
    from casebridge.people.models import Person

    practitioner = (
        User.objects.filter(roles__code="practitioner", is_active=True)
        .annotate(cases=Count("agency__owned_cases"))
        .order_by("-cases")
        .first()
    )
    coordinator = User.objects.filter(roles__code="panel_coordinator", is_active=True).first()
    assert practitioner is not None and coordinator is not None
    print(f"{Case.objects.count()} cases, {Person.objects.count()} people")

    def examples(user):
        """A case the user may see, and a person in one of them they did not record."""
        cases = visible(user=user, action="view", queryset=Case.objects.order_by("pk"))
        case = cases.filter(owner_agency=user.agency).first() or cases.first()
        named = visible(
            user=user,
            action="view",
            queryset=Person.objects.filter(case_links__case__in=cases.values("pk")),
        ).exclude(recorded_by_agency=user.agency)
        person = named.order_by("pk").first() or case.subject
        return Case.objects.get(pk=case.pk), Person.objects.get(pk=person.pk)

    for who, user in (("practitioner", practitioner), ("coordinator", coordinator)):
        case, person = examples(user)
        print(f"{who}: {user.username} ({user.agency}), case {case.reference}")
        for label, obj in (("case", case), ("person", person)):

            def check(u, obj=obj):
                authorize(user=u, action="view", obj=obj)

            def fresh(user=user):
                return User.objects.select_related("agency").get(pk=user.pk)

            cold_users = [fresh() for _ in range(args.calls)]
            cold = timed(check, user_for_call=iter(cold_users).__next__, calls=args.calls)
            warm_user = fresh()
            check(warm_user)
            warm = timed(check, user_for_call=lambda u=warm_user: u, calls=args.calls)
            print(f"authorize {who:12} {label:6} cold: {percentiles(cold)}")
            print(f"authorize {who:12} {label:6} warm: {percentiles(warm)}")

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=practitioner).first() or TOTPDevice.objects.create(
        user=practitioner, name="bench", confirmed=True
    )
    case, person = examples(practitioner)
    client = Client(HTTP_HOST="localhost")
    client.force_login(practitioner, backend="casebridge.accounts.backends.AccountBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    for label, url in (
        ("case page", reverse("pathways:case_detail", kwargs={"case_id": case.pk})),
        ("person page", reverse("people:detail", kwargs={"person_id": person.pk})),
    ):
        client.get(url)  # warm the process caches, as a running server has them
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        print(f"{label}: {len(queries)} queries")


if __name__ == "__main__":
    main()
