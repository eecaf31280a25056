"""Person lookup benchmark: "is this the same person?" against 500,000 people in PostgreSQL.

    .venv/bin/python bench/person_lookup.py               # create, load, train, measure
    .venv/bin/python bench/person_lookup.py --skip-load   # measure again on the loaded database
    .venv/bin/python bench/person_lookup.py --database NAME --records 2000 --lookups 50  # small

It creates the PostgreSQL database ``casebridge_bench_lookup`` (127.0.0.1:5432, user
``postgres``), migrates it and records 500,000 people as one agency's records, in bulk: the
records of a synthetic borough (bench/synthetic_people.py: names, date of birth, sex and a
postcode address), about 333,000 true persons of whom 30% are held twice and 10% three times,
each record corrupted as agencies' data entry corrupts them. The duplicates are what a borough
holds before identity resolution, and what training learns from (a population without any
gives a model that has never seen a true match). It trains the linkage model through
``linkage_model_train``, as an analyst would, then times 1,000 calls of
``same_person_candidates`` (what the "Add a person" page calls) as a practitioner of that
agency, who may see everyone:

- 800 people held, typed with one mistake each, 160 of each: a letter of the family name
  swapped, a nickname for the given name, the day and month of birth transposed, no date of
  birth, a postcode they moved to;
- 200 people who are not held.

It prints latency percentiles, the mean candidates scored and offered, how often a record of
the true person is offered first (top-1) or at all, and how often anyone is offered for a
person not held. The target is p95 under 200 ms.

``--database`` names another database to create, by name on that server or by URL (or, with
``--skip-create``, an existing one, migrated and holding no people, to load into);
``--records`` and ``--lookups`` (split as above: four fifths held, a fifth not) make a smaller
run.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_people import NICKNAMES, People, corrupted_records, generate_people
from bench.web_latency import postgres_database, recreate_database

RECORDS = 500_000
# How many records each true person has: once, twice, three times.
HELD_TIMES = (0.6, 0.3, 0.1)
CHUNK = 10_000
CORRUPTIONS = ("typo", "nickname", "transposed date", "no date of birth", "moved")
LOOKUPS = 1_000  # a fifth of them of people not held, the rest shared by the corruptions
WARM_UP = 20
# Each true person's record id, so a measurement on a loaded database knows who is who.
ID_NAMESPACE = uuid.UUID("6f1c2d7e-0b8a-4c55-9e1f-3a7b5c9d2e40")


def person_id(seed: int, number: int) -> uuid.UUID:
    """The id of record ``number``, the same on every run with this seed."""
    return uuid.uuid5(ID_NAMESPACE, f"{seed}-{number}")


def borough(records: int, seed: int) -> tuple[People, np.ndarray, object]:
    """The true persons, the true person of each record, and the records as agencies hold them."""
    rng = np.random.default_rng(seed)
    mean_times = sum((n + 1) * p for n, p in enumerate(HELD_TIMES))
    # A few more people than needed, so the cut to exactly ``records`` never falls short.
    people = generate_people(int(records / mean_times * 1.05) + 10, rng)
    times = rng.choice(len(HELD_TIMES), len(people.sex), p=HELD_TIMES) + 1
    person_of_record = np.repeat(np.arange(len(people.sex)), times)[:records]
    return people, person_of_record, corrupted_records(people, person_of_record, rng)


def log(message: str) -> None:
    print(message, flush=True)


def set_up_django(database: str, *, recreate: bool) -> None:
    _, url = postgres_database(database)
    if recreate:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebridge.config.settings.local"
    os.environ["CASEBRIDGE_DEBUG"] = "0"  # no query log kept in memory
    import django

    django.setup()
    if recreate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("sync_definitions", verbosity=0)


def _born(value: np.datetime64) -> date:
    return date.fromisoformat(str(value))


def _postcode(entered: str | None) -> str:
    # As imports store them: upper case, one space before the inward code.
    packed = "".join((entered or "").upper().split())
    return f"{packed[:-3]} {packed[-3:]}" if packed else ""


def load_records(records, agency, seed: int) -> None:
    """Each record as a Person with a primary name and (if it has one) a postcode address."""
    from django.db import connection, transaction

    from casebridge.people.models import Address, Person, PersonName
    from casebridge.people.names import name_key

    rows = records.to_dict("records")
    for start in range(0, len(rows), CHUNK):
        chunk = list(enumerate(rows[start : start + CHUNK], start=start))
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                Person(
                    id=person_id(seed, number),
                    date_of_birth=date.fromisoformat(row["date_of_birth"])
                    if row["date_of_birth"]
                    else None,
                    sex=row["sex"] or Person.Sex.NOT_KNOWN,
                    recorded_by_agency=agency,
                )
                for number, row in chunk
            )
            PersonName.objects.bulk_create(
                PersonName(
                    person=person,
                    given_name=row["given_name"] or "",
                    family_name=row["family_name"] or "",
                    given_name_key=name_key(row["given_name"] or ""),
                    family_name_key=name_key(row["family_name"] or ""),
                    # The person's copies, which ``save`` writes and a bulk write must.
                    recorded_by_agency=agency,
                    date_of_birth=person.date_of_birth,
                )
                for person, (_, row) in zip(persons, chunk, strict=True)
            )
            Address.objects.bulk_create(
                Address(
                    person=person,
                    line_1=f"{number % 200 + 1} High Street",
                    town="London",
                    postcode=_postcode(row["postcode"]),
                    valid_from=date(2020, 1, 1),
                )
                for person, (number, row) in zip(persons, chunk, strict=True)
                if row["postcode"]
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _typo(word: str, rng: np.random.Generator) -> str:
    at = int(rng.integers(1, len(word) - 1))  # agencies rarely get the first letter wrong
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def queries(
    people: People,
    held: np.ndarray,
    outsiders: People,
    rng: np.random.Generator,
    *,
    per_corruption: int,
) -> list:
    """(corruption, true person or None, details) for every lookup, shuffled: ``held`` are the
    true persons with a record, ``outsiders`` the people not held."""
    from casebridge.people.services import AddressDetails, PersonDetails

    def details(given, family, born, sex, postcode):
        address = AddressDetails(
            line_1="1 Somewhere Road", town="London", postcode=postcode, valid_from=date.today()
        )
        return PersonDetails(
            given_name=given.capitalize(),
            family_name=family.capitalize(),
            date_of_birth=born,
            sex=sex,
            addresses=(address,),
        )

    chosen = iter(rng.permutation(held))
    postcodes = np.unique(people.postcode)
    made = []
    for corruption in CORRUPTIONS:
        count = 0
        while count < per_corruption:
            i = int(next(chosen))
            given, family = people.given_name[i], people.family_name[i]
            born, postcode = _born(people.date_of_birth[i]), people.postcode[i]
            if corruption == "typo":
                if len(family) < 4:
                    continue
                family = _typo(family, rng)
            elif corruption == "nickname":
                if given not in NICKNAMES:
                    continue
                given = rng.choice(NICKNAMES[given])
            elif corruption == "transposed date":
                if born.day > 12 or born.day == born.month:
                    continue
                born = date(born.year, born.day, born.month)
            elif corruption == "no date of birth":
                born = None
            else:
                postcode = rng.choice(postcodes[postcodes != postcode])
            made.append((corruption, i, details(given, family, born, people.sex[i], postcode)))
            count += 1
    for i in range(len(outsiders.sex)):
        made.append(
            (
                "not held",
                None,
                details(
                    outsiders.given_name[i],
                    outsiders.family_name[i],
                    _born(outsiders.date_of_birth[i]),
                    outsiders.sex[i],
                    outsiders.postcode[i],
                ),
            )
        )
    return [made[i] for i in rng.permutation(len(made))]


def share(outcomes: list[bool]) -> float:
    return sum(outcomes) / len(outcomes)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded database")
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument(
        "--database", default="casebridge_bench_lookup", help="a name on that server, or a URL"
    )
    parser.add_argument(
        "--skip-create", action="store_true", help="load into the existing (migrated) database"
    )
    parser.add_argument("--lookups", type=int, default=LOOKUPS)
    options = parser.parse_args()
    set_up_django(options.database, recreate=not (options.skip_load or options.skip_create))

    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency, Role
    from casebridge.linkage.candidates import candidate_ids
    from casebridge.linkage.records import current_people
    from casebridge.linkage.selectors import lookup_record, same_person_candidates
    from casebridge.linkage.services import linkage_model_train
    from casebridge.people.models import Person

    people, person_of_record, records = borough(options.records, options.seed)
    agency, _ = Agency.objects.get_or_create(
        code="bench-police", defaults={"name": "Bench Police", "kind": "police"}
    )
    if not options.skip_load:
        started = time.perf_counter()
        load_records(records, agency, options.seed)
        log(f"loaded {options.records:,} people: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        model = linkage_model_train(actor=None)
        log(
            f"trained model {model.version} on {model.record_count:,} people: "
            f"{time.perf_counter() - started:.1f} s"
        )
    if (count := Person.objects.count()) != options.records:
        raise SystemExit(f"the database holds {count:,} people, not {options.records:,}")
    user, _ = User.objects.get_or_create(
        username="bench-practitioner",
        defaults={"agency": agency},
    )
    user.roles.set([Role.objects.get(code="practitioner")])
    true_person = {person_id(options.seed, n): p for n, p in enumerate(person_of_record)}
    per_corruption = options.lookups * 4 // 5 // len(CORRUPTIONS)
    not_held = options.lookups - per_corruption * len(CORRUPTIONS)
    outsiders = generate_people(not_held, np.random.default_rng(options.seed + 1))
    rng = np.random.default_rng(options.seed + 2)
    lookups = queries(
        people, np.unique(person_of_record), outsiders, rng, per_corruption=per_corruption
    )

    for _, _, details in lookups[:WARM_UP]:  # the first call builds the scorer
        same_person_candidates(user=user, details=details)
    timings: list[float] = []
    scored: list[int] = []
    offered: list[int] = []
    first: dict[str, list[bool]] = defaultdict(list)
    anywhere: dict[str, list[bool]] = defaultdict(list)
    for corruption, asked_about, details in lookups:
        started = time.perf_counter()
        found = same_person_candidates(user=user, details=details)
        timings.append((time.perf_counter() - started) * 1000)
        offered.append(len(found))
        scored.append(len(candidate_ids(people=current_people(), record=lookup_record(details))))
        whose = [true_person[candidate.id] for candidate in found]
        first[corruption].append(bool(whose) and whose[0] == asked_about)
        anywhere[corruption].append(asked_about in whose)

    log(f"\n{len(lookups):,} lookups against {options.records:,} people (PostgreSQL)")
    log(
        f"  latency: p50 {percentile(timings, 0.50):.1f} ms, p95 {percentile(timings, 0.95):.1f}"
        f" ms, p99 {percentile(timings, 0.99):.1f} ms, mean {statistics.mean(timings):.1f} ms"
    )
    log(
        f"  candidates: {statistics.mean(scored):.1f} scored and {statistics.mean(offered):.2f}"
        " offered per lookup (mean)"
    )
    top1 = sum(sum(first[c]) for c in CORRUPTIONS) / sum(len(first[c]) for c in CORRUPTIONS)
    log(f"  top-1 accuracy, people held: {top1:.1%}")
    for corruption in CORRUPTIONS:
        log(
            f"    {corruption}: first {share(first[corruption]):.1%}, "
            f"offered {share(anywhere[corruption]):.1%}"
        )
    strangers = [n for (c, _, _), n in zip(lookups, offered, strict=True) if c == "not held"]
    wrongly = sum(1 for n in strangers if n) / len(strangers)
    log(f"  people not held: someone offered for {wrongly:.1%}")


if __name__ == "__main__":
    main()
