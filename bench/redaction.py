"""What withholding restricted values from every text response costs.

    .venv/bin/python bench/redaction.py                      # 20,000 addresses, 50 KB pages
    .venv/bin/python bench/redaction.py --addresses 2000 --page-kb 200

Every text response passes through the viewer's redactor (casebridge/access/redaction.py). This
registers one synthetic source of confidential addresses (a London borough's worth and more:
20,000 by default, each with a first line, a second line and a postcode), then times:

- indexing them (once per process, and again whenever an address is added);
- redacting a page of case-page-like HTML that holds none of them (nearly every response);
- redacting the same page with five of them typed into it (a match costs one visibility
  decision, here a stub; in the application one query).

No database is touched: the cost measured is the redactor's own.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.test")

import django

django.setup()

from casebridge.access import redaction  # noqa: E402

STREETS = ("Road", "Street", "Avenue", "Close", "Lane", "Mews", "Gardens", "Way", "Court", "Row")
WORDS = ("Oak", "Mill", "Church", "Station", "Park", "Victoria", "Kings", "Queens", "Elm", "Ash")


def synthetic_addresses(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    return [
        (
            f"{rng.randint(1, 300)} {rng.choice(WORDS)}{rng.choice(WORDS).lower()} "
            f"{rng.choice(STREETS)}",
            f"Flat {rng.randint(1, 60)}, {rng.choice(WORDS)} House",
            f"N{rng.randint(1, 22)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        )
        for _ in range(count)
    ]


def page(kb: int, rng: random.Random) -> str:
    row = (
        '<tr class="govuk-table__row"><td class="govuk-table__cell">{n}</td>'
        '<td class="govuk-table__cell">Discussed at MARAC; safety plan reviewed with the IDVA '
        "and a referral made to the Sanctuary scheme for {n} Mill Road.</td></tr>\n"
    )
    rows, size = [], 0
    while size < kb * 1024:
        text = row.format(n=rng.randint(1, 999))
        rows.append(text)
        size += len(text)
    return "<html><body><table>" + "".join(rows) + "</table></body></html>"


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--addresses", type=int, default=20_000)
    parser.add_argument("--page-kb", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(7)
    addresses = synthetic_addresses(args.addresses, rng)
    generation = [0]
    redaction._sources[:] = []
    redaction.register(
        redaction.RestrictedValues(
            name="synthetic confidential address",
            fingerprint=lambda: generation[0],
            values=lambda: enumerate(addresses),
            visible_owners=lambda user, owners: set(),
        )
    )

    start = time.perf_counter()
    redactor = redaction.Redactor(None)
    compile_ms = (time.perf_counter() - start) * 1000
    clean = page(args.page_kb, rng)
    typed = clean.replace("Mill Road", " ".join(addresses[0][:1]), 1)
    for line, _, postcode in addresses[1:5]:
        typed = typed.replace("safety plan", f"{line}, {postcode}", 1)
    assert redactor.redact(clean) is clean
    assert addresses[0][0] not in redactor.redact(typed)

    clean_ms = timed(lambda: redactor.redact(clean), args.repeats)
    typed_ms = timed(lambda: redaction.Redactor(None).redact(typed), args.repeats)
    print(f"{args.addresses:,} addresses ({args.addresses * 3:,} values), {args.page_kb} KB page")
    print(f"index the values:                 {compile_ms:8.1f} ms (once per process)")
    for label, times in (
        ("redact, nothing to withhold:", clean_ms),
        ("redact, 5 typed in:", typed_ms),
    ):
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{label:33} {statistics.median(times):8.2f} ms median, {p95:.2f} ms p95")


if __name__ == "__main__":
    main()
