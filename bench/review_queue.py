"""Identity review queue benchmark: the queue page with 50,000 pending pairs at borough scale.

    cp /work/shared-data/borough.sqlite3 /tmp/queue.sqlite3        # a `make demo` database
    export DJANGO_SETTINGS_MODULE=casebridge.config.settings.local
    DATABASE_URL=sqlite:////tmp/queue.sqlite3 .venv/bin/casebridge migrate
    DATABASE_URL=sqlite:////tmp/queue.sqlite3 .venv/bin/python bench/review_queue.py
    DATABASE_URL=... .venv/bin/python bench/review_queue.py --chains 5 --steps 100 200 --repeats 1

It works on the database ``DATABASE_URL`` names (a copy: it adds pairs and merges to it). On the
people held there (the borough demo: about 27,000 records of 20,000 people) it makes 2,000 of
them into 400 chains of five merges each (what several imports leave behind), then queues
pending pairs between random people, spread over 10 import batches, in steps up to 50,000
(``--chains`` and ``--steps`` choose others, for a smaller database).
After each step it asks for the queue pages an analyst asks for, through the web stack (the
view, the queue's selector, the template, the audit entry), as an analyst signed in, and
prints for each: the median time of five requests (``--repeats``; wall-clock, and this
process's CPU time, steadier on a shared machine), and the number of database queries, which
must be the same however many pairs are pending:

- the first page of the whole queue, and a page deep into it;
- the first page of one batch's queue;
- the band page (match weight 12 up to 16, its estimate and first 200 pairs), when the
  database holds a linkage model to estimate with (a tiny demo borough has too few duplicates
  to train one).
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from casebridge.accounts.models import User  # noqa: E402
from casebridge.agencies.models import Agency, Role  # noqa: E402
from casebridge.linkage.models import MatchReview  # noqa: E402
from casebridge.linkage.queue import queued_pairs  # noqa: E402
from casebridge.linkage.selectors import current_linkage_model  # noqa: E402
from casebridge.people.models import Person  # noqa: E402

# Pending pairs: as the database came (its own queue), then after the chains are made, then these.
STEPS = (5_000, 20_000, 50_000)
BATCHES = 10
CHAINS, CHAIN_LENGTH = 400, 5
REPEATS = 5
SEED = 18


def analyst_client() -> Client:
    agency = Agency.objects.order_by("pk").first()
    user, _ = User.objects.update_or_create(
        username="bench-queue-analyst",
        defaults={"agency": agency, "is_active": True},
    )
    user.roles.set([Role.objects.get(code="analyst")])
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user, backend="casebridge.accounts.backends.AccountBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def make_chains(rng: random.Random, chains: int) -> None:
    """Chains of merges: each record merged into the next, the last surviving."""
    free = list(Person.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    picked = rng.sample(free, chains * (CHAIN_LENGTH + 1))
    for start in range(0, len(picked), CHAIN_LENGTH + 1):
        chain = picked[start : start + CHAIN_LENGTH + 1]
        for duplicate, survivor in pairwise(chain):
            Person.objects.filter(pk=duplicate).update(merged_into=survivor)


def queue_pairs(rng: random.Random, people: list[uuid.UUID], count: int, taken: set) -> None:
    reviews = []
    while len(reviews) < count:
        a, b = rng.sample(people, 2)
        key = (a, b) if a < b else (b, a)
        if key in taken:
            continue
        taken.add(key)
        weight = rng.uniform(6, 20)
        reviews.append(
            MatchReview(
                incoming_id=a,
                existing_id=b,
                match_weight=weight,
                match_probability=1 / (1 + 2**-weight),
                evidence=[],
                source=f"import batch {900 + rng.randrange(BATCHES)}",
            )
        )
    MatchReview.objects.bulk_create(reviews, batch_size=2_000)


def measure(client: Client, url: str, data: dict, repeats: int) -> tuple[float, float, int]:
    """Median wall-clock and CPU time of this process (the whole of it on SQLite, the web side
    on PostgreSQL; steadier than wall-clock on a shared machine), and the queries made."""
    times, cpu, queries = [], [], 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, data)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return statistics.median(times), statistics.median(cpu), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=CHAINS, help="of five merges each")
    parser.add_argument("--steps", type=int, nargs="+", default=STEPS, help="pending pairs")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="requests a figure")
    options = parser.parse_args()
    rng = random.Random(SEED)
    client = analyst_client()
    taken = {
        (a, b) if a < b else (b, a)
        for a, b in MatchReview.objects.values_list("incoming_id", "existing_id")
    }
    pages = {
        "queue, page 1": (reverse("linkage:review_list"), {}),
        "queue, page 100": (reverse("linkage:review_list"), {"page": "100"}),
        "one batch, page 1": (reverse("linkage:review_list"), {"source": "import batch 901"}),
    }
    if current_linkage_model():
        pages["band 12-16"] = (reverse("linkage:review_band"), {"lower": "12", "upper": "16"})
    else:
        print("no linkage model in the database: no band page (it shows the model's estimate)")
    people = list(Person.objects.values_list("pk", flat=True))
    print(f"{connection.vendor}: {len(people):,} person records")
    print(f"{'pending':>8} {'shown':>8}  " + "  ".join(f"{name:>25}" for name in pages))
    pending = MatchReview.objects.filter(status=MatchReview.Status.PENDING)
    for step in (0, *options.steps):
        if step:
            queue_pairs(rng, people, step - pending.count(), taken)
        else:  # as the database came, then with chains of merges in it
            measure_step(client, pages, pending, options.repeats)
            make_chains(rng, options.chains)
        measure_step(client, pages, pending, options.repeats)


def measure_step(client: Client, pages: dict, pending: Any, repeats: int) -> None:
    results = [measure(client, url, data, repeats) for url, data in pages.values()]
    cells = "  ".join(
        f"{seconds * 1000:>5.0f} ms ({cpu * 1000:>4.0f} cpu) {queries:>2} q"
        for seconds, cpu, queries in results
    )
    print(f"{pending.count():>8,} {len(queued_pairs()):>8,}  {cells}")


if __name__ == "__main__":
    main()
