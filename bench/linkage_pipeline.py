"""Identity resolution as a partnership runs it: partner extracts written in the documented
formats, imported with `casebridge import`, the model trained with `casebridge linkage train`,
each batch matched as its page's button (and `casebridge linkage match --batch N`) does, then
scored against the known truth.

    .venv/bin/python bench/linkage_pipeline.py                       # 50,000 records, SQLite
    .venv/bin/python bench/linkage_pipeline.py --records 1000000
    .venv/bin/python bench/linkage_pipeline.py --postgres
    .venv/bin/python bench/linkage_pipeline.py --upper 20 --lower 6  # fixed thresholds

The population is bench/synthetic_people.py's borough (households sharing a surname and
postcode, twins, typos, nicknames, swapped day and month, missing dates of birth, married
names, moves), with same-named parents and children added (one household in fifty), spread
over five extracts: police custody (PNC ID on 70% of rows), probation events (CRN on every
row), hospital attendances (NHS number on 60%), school exclusions and social care episodes
(council reference on 80%). A person is in an extract only at an age its format holds (the
formats' `age`: pupils 4-19, children's social care up to 17, probation 18 and over, custody 10
and over), each event on a day of 2019-2025 when they were that age, as a real partnership's
extracts would be; so the schools and social care extracts are small. Each record is one row;
a row's person is found through its event's reference after loading.

Printed, at the operating thresholds: pairwise precision, recall and F1 of the automatic
links (records of one identity after matching, against the true persons), the false merges,
the pairs left for review per 1,000 records, the F1 if an analyst decided every queued pair
correctly, and the time and peak memory (max RSS of this process, DuckDB included) after
each step. Run it without `--postgres` and it runs on SQLite in a temporary directory.
Setting PYTHONPATH to another checkout (main, say) runs that checkout's code on the same
files: only the import command, `linkage train` and the batch matching service are used.
"""

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.imports import add_migrated_option, set_up_database  # noqa: E402
from bench.synthetic_people import (  # noqa: E402
    AGENCIES,
    DUPLICATE_WITHIN_EXTRACT,
    EXTRACT_COUNT_PROBABILITIES,
    _mean_records_per_person,
    corrupted_records,
    generate_people,
)

PG_DATABASE = "casebridge_bench_linkage"
SAME_NAMED_RELATIVES = 0.02  # of consecutive household members: a child named after a parent
# (format, supplying agency's code and kind, identifier column and how often it is filled)
EXTRACTS = {
    "police": ("police-custody", "police", "police", "pnc_id", 0.7),
    "probation": ("probation-events", "probation", "probation", "crn", 1.0),
    "hospital": ("hospital-violence-attendances", "health", "health", "nhs_number", 0.6),
    "schools": ("school-exclusions", "council", "council", None, 0.0),
    "social_care": ("social-care-episodes", "council", "council", "council_reference", 0.8),
}
SEX_CODES = {"female": "F", "male": "M"}
# The years the extracts cover: each event falls on a day drawn from them, inside the ages its
# format holds for that person.
FIRST_EVENT, LAST_EVENT = np.datetime64("2019-01-01"), np.datetime64("2025-12-31")
DAYS_A_YEAR = 365.25


@contextmanager
def step(label: str, steps: list) -> Iterator[None]:
    started, cpu = time.perf_counter(), time.process_time()
    yield
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    steps.append((label, seconds, peak, cpu))
    # On a shared machine the process's CPU time (all its threads, DuckDB's and SQLite's
    # included; not PostgreSQL's server) is the steadier figure.
    print(
        f"  {label}: {seconds:.1f} s (CPU {cpu:.1f} s), peak memory so far {peak:.2f} GiB",
        flush=True,
    )


def population(records: int, seed: int):
    """The true persons and one row per record: (people, person of each record, agency, the
    event's day)."""
    rng = np.random.default_rng(seed)
    people = generate_people(int(records / _mean_records_per_person() * 1.05) + 10, rng)
    same_household = (people.family_name[1:] == people.family_name[:-1]) & (
        people.postcode[1:] == people.postcode[:-1]
    )
    named_after = np.flatnonzero(same_household & (rng.random(len(same_household)) < 0.02)) + 1
    people.given_name[named_after] = people.given_name[named_after - 1]
    people.sex[named_after] = people.sex[named_after - 1]
    person, agency, occurred = memberships_by_age(people.date_of_birth, records, rng)
    frame = corrupted_records(people, person, rng)
    frame["true_person"] = person
    frame["source"] = np.asarray(AGENCIES)[agency]
    frame["occurred"] = occurred
    return frame.iloc[rng.permutation(records)].reset_index(drop=True)


def age_windows(born: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) day, per person and agency (columns in AGENCIES' order), on which the
    person is of an age that agency's format holds, within the years the extracts cover. A day
    inside each bound is dropped, so a leap year never puts an event a day outside them."""
    from casebridge.imports.formats import extract_formats

    born_day = born.astype("datetime64[D]").astype(np.int64)[:, None]
    first = np.full((len(born), len(AGENCIES)), FIRST_EVENT.astype(np.int64))
    last = np.full_like(first, LAST_EVENT.astype(np.int64))
    for column, source in enumerate(AGENCIES):
        (subject,) = extract_formats()[EXTRACTS[source][0]].subjects
        if subject.min_age is not None:
            youngest = born_day[:, 0] + int(np.ceil(subject.min_age * DAYS_A_YEAR)) + 1
            first[:, column] = np.maximum(first[:, column], youngest)
        if subject.max_age is not None:
            oldest = born_day[:, 0] + int((subject.max_age + 1) * DAYS_A_YEAR) - 2
            last[:, column] = np.minimum(last[:, column], oldest)
    return first, last


def memberships_by_age(
    born: np.ndarray, records: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, agency, the event's day) for exactly `records` records, each person in as many
    extracts as bench/synthetic_people.py draws, but only extracts whose format holds someone of
    their age on a day of the years covered (no pupil born in 1940): a person drawn for more
    extracts than their age allows has the rest as further events in the ones it does. A
    record's day is drawn within its window, so it, too, fits the format's ages."""
    people = len(born)
    first, last = age_windows(born)
    open_to = last >= first
    extracts = rng.choice(5, people, p=EXTRACT_COUNT_PROBABILITIES) + 1
    # Agencies in a random order, those whose ages exclude the person last.
    order = np.argsort(rng.random((people, 5)) + ~open_to, axis=1)
    eligible = open_to.sum(axis=1)
    slot = np.arange(5)[None, :]
    in_extract = slot < extracts[:, None]
    person = np.broadcast_to(np.arange(people)[:, None], (people, 5))[in_extract]
    # A slot past the person's eligible extracts repeats one of them.
    repeat_of = rng.integers(0, 1 << 30, (people, 5)) % np.maximum(eligible, 1)[:, None]
    chosen = np.where(slot < eligible[:, None], slot, repeat_of)
    agency = np.take_along_axis(order, chosen, axis=1)[in_extract]
    twice = rng.random(len(person)) < DUPLICATE_WITHIN_EXTRACT
    person = np.concatenate([person, person[twice]])
    agency = np.concatenate([agency, agency[twice]])
    by_person = np.argsort(person, kind="stable")
    person, agency = person[by_person][:records], agency[by_person][:records]
    if len(person) < records:
        raise ValueError("too few people for the records asked for")
    start, end = first[person, agency], last[person, agency]
    # Everyone born by the last covered year is open to hospital; nobody lands outside a window.
    assert (end >= start).all()
    day = start + (rng.random(len(person)) * (end - start + 1)).astype(np.int64)
    return person, agency, day.astype("datetime64[D]")


def nhs_number(n: int) -> str:
    """A valid NHS number (modulus 11 check digit) for person n."""
    while True:
        digits = f"{(400000000 + n * 7) % 1000000000:09d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)
        n += 1_000_003


def identifier(column: str, person: int) -> str:
    return {
        "pnc_id": f"{2000 + person % 20}/{person:07d}X",
        "crn": f"X{person:07d}",
        "nhs_number": nhs_number(person),
        "council_reference": f"LA-{person:07d}",
    }[column]


def templates() -> dict[str, dict[str, str]]:
    """Each format's first example row: the event columns every row of the bench reuses."""
    examples = ROOT / "casebridge" / "imports" / "examples"
    rows = {}
    for kind, *_ in EXTRACTS.values():
        with (examples / f"{kind}.csv").open(encoding="utf-8") as file:
            rows[kind] = next(csv.DictReader(file))
    return rows


def write_extracts(frame, directory: Path, seed: int) -> dict[str, Path]:
    from casebridge.imports.formats import extract_formats

    rng = np.random.default_rng(seed + 1)
    examples = templates()
    paths = {}
    for source, (kind, _code, _agency_kind, id_column, filled) in EXTRACTS.items():
        rows = frame[frame["source"] == source]
        template = examples[kind]
        reference_column = next(iter(template))  # every format's first column is its reference
        occurred_column = extract_formats()[kind].occurred
        # A datetime column keeps the example's time of day.
        time_of_day = template[occurred_column][10:]
        days = np.datetime_as_string(rows["occurred"].to_numpy(), unit="D")
        path = directory / f"{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(template))
            writer.writeheader()
            has_id = rng.random(len(rows)) < filled
            for (index, row), with_id, day in zip(rows.iterrows(), has_id, days, strict=True):
                values = dict(template)
                values[reference_column] = f"R{index:08d}"
                values[occurred_column] = day + time_of_day
                if "incident_on" in values:  # a hospital attendance: assaulted that day
                    values["incident_on"] = day
                values.update(
                    given_name=row["given_name"] or "",
                    family_name=row["family_name"] or "",
                    date_of_birth=row["date_of_birth"] or "",
                    sex=SEX_CODES.get(row["sex"], ""),
                    postcode=row["postcode"] or "",
                )
                if id_column:
                    values[id_column] = (
                        identifier(id_column, int(row["true_person"])) if with_id else ""
                    )
                writer.writerow(values)
        paths[source] = path
    return paths


def pairs_within(groups: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


def pairwise(predicted: list, truth: list) -> tuple[float, float, float]:
    both = pairs_within(Counter(zip(predicted, truth, strict=True)))
    linked, true = pairs_within(Counter(predicted)), pairs_within(Counter(truth))
    precision = both / linked if linked else 1.0
    recall = both / true if true else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall or 1)


def score(frame, records: int) -> None:
    from casebridge.imports.models import PartnerEvent
    from casebridge.linkage.models import MatchReview, PersonMerge
    from casebridge.people.models import Person

    true_of_reference = {f"R{i:08d}": int(t) for i, t in enumerate(frame["true_person"])}
    person_of = dict(PartnerEvent.objects.values_list("reference", "person_id"))
    parents = dict(Person.objects.values_list("pk", "merged_into_id"))

    def root(pk):
        while parents.get(pk):
            pk = parents[pk]
        return pk

    loaded = [ref for ref in true_of_reference if person_of.get(ref)]
    truth = [true_of_reference[ref] for ref in loaded]
    survivors = [root(person_of[ref]) for ref in loaded]
    precision, recall, f1 = pairwise(survivors, truth)
    true_of_person = {person_of[ref]: true_of_reference[ref] for ref in loaded}
    merges = PersonMerge.objects.filter(undone_at__isnull=True)
    wrong = [
        (weight, evidence)
        for d, s, weight, evidence in merges.values_list(
            "duplicate_id", "survivor_id", "match_weight", "evidence"
        )
        if true_of_person.get(d) != true_of_person.get(s)
    ]
    false_merges = len(wrong)
    queued = [
        (root(a), root(b), weight, evidence)
        for a, b, weight, evidence in MatchReview.objects.filter(status="pending").values_list(
            "incoming_id", "existing_id", "match_weight", "evidence"
        )
    ]
    queued = [row for row in queued if row[0] != row[1]]
    pending = [(a, b) for a, b, *_ in queued]
    # An analyst who decides every queued pair correctly joins the true ones.
    joined = {s: s for s in set(survivors)}

    def find(x):
        while joined.setdefault(x, x) != x:
            x = joined[x]
        return x

    for a, b in pending:
        if true_of_person.get(a) == true_of_person.get(b):
            joined[find(a)] = find(b)
    after = pairwise([find(s) for s in survivors], truth)
    per_thousand = len(set(map(frozenset, pending))) / len(loaded) * 1000
    print(f"\n{len(loaded):,} of {records:,} records loaded (the rest rejected)")
    print(f"automatic links: precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}")
    print(f"false merges: {false_merges:,} of {merges.count():,} merges")
    for weight, evidence in sorted(wrong, key=lambda w: -w[0])[:10]:
        levels = "; ".join(f"{item['field']}: {item['label']}" for item in evidence)
        print(f"  {weight:5.1f}  {levels}")
    print(f"review queue: {len(pending):,} pairs, {per_thousand:.1f} per 1,000 records")
    print(f"after an analyst decides every queued pair correctly: F1 {after[2]:.4f}")
    queue_breakdown(queued, true_of_person)
    kept_apart_breakdown(true_of_person)


def kept_apart_breakdown(true_of_person: dict) -> None:
    """The pairs each hard rule kept apart, and how many of them the truth says are one person
    (what the rule cost in recall, on this population)."""
    from casebridge.linkage.models import MatchReview

    rules: Counter = Counter()
    same: Counter = Counter()
    for a, b, reason in MatchReview.objects.filter(
        decision_reason__startswith="Kept apart by a rule"
    ).values_list("incoming_id", "existing_id", "decision_reason"):
        rule = reason.split(": ", 1)[1].split(",")[0].split(";")[0][:60]
        rules[rule] += 1
        same[rule] += true_of_person.get(a) == true_of_person.get(b)
    print("kept apart by a rule (pairs, of them one person):")
    for rule, n in rules.most_common(12):
        print(f"  {rule}: {n:,} ({same[rule]:,})")


def queue_breakdown(queued: list, true_of_person: dict) -> None:
    """Which kinds of pair wait for an analyst: by what is missing, whole match weight, and the
    most common agreement patterns, each with its share of true pairs."""
    kinds: Counter = Counter()
    same: Counter = Counter()
    for a, b, weight, evidence in queued:
        missing = sorted(
            item["field"] for item in evidence if item["label"] == "One or both missing"
        )
        labels = {item["field"]: item["label"] for item in evidence}
        pattern = ", ".join(
            f"{field.split('_')[0]} {labels.get(field, '?')}"
            for field in ("given_name", "family_name", "date_of_birth", "postcode")
        )
        for key in (
            ("missing", "+".join(missing) or "nothing"),
            ("weight", int(weight // 1)),
            ("pattern", pattern),
        ):
            kinds[key] += 1
            same[key] += true_of_person.get(a) == true_of_person.get(b)
    print("review queue by kind (pairs, share one person):")
    for kind, top in (("missing", 10), ("weight", 30), ("pattern", 12)):
        rows = [(key, n) for key, n in kinds.items() if key[0] == kind]
        rows.sort(key=lambda row: -row[1] if kind != "weight" else row[0][1])
        for key, n in rows[:top]:
            print(f"  {kind} {key[1]}: {n:,} ({same[key] / n:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--upper", type=float, help="fixed thresholds instead of calibration")
    parser.add_argument("--lower", type=float)
    add_migrated_option(parser)
    options = parser.parse_args()
    steps: list = []
    with tempfile.TemporaryDirectory(prefix="casebridge-bench-linkage-") as directory:
        scratch = Path(directory)
        print(f"{options.records:,} records through the import formats and commands")
        with step("generate and write the five extracts", steps):
            frame = population(options.records, options.seed)
            paths = write_extracts(frame, scratch, options.seed)
        set_up_database(
            options.postgres,
            scratch,
            database=PG_DATABASE,
            import_max_mb=4000,
            migrated=options.migrated,
        )
        from django.core.management import call_command

        from casebridge.accounts.models import User
        from casebridge.agencies.models import Agency, Role
        from casebridge.imports.models import ImportBatch
        from casebridge.imports.services import batch_link

        for _, code, kind, *_ in EXTRACTS.values():
            Agency.objects.get_or_create(code=code, defaults={"name": code.title(), "kind": kind})
        actor = User.objects.create(username="analyst", agency=Agency.objects.get(code="council"))
        actor.roles.set([Role.objects.get(code="analyst")])
        for source, path in paths.items():
            kind, code, *_ = EXTRACTS[source]
            with step(f"casebridge import {kind}", steps):
                call_command(
                    "import",
                    "--kind",
                    kind,
                    "--supplied-by",
                    code,
                    "--as",
                    "analyst",
                    str(path),
                    stdout=open(os.devnull, "w"),  # noqa: SIM115
                )
        train = ["linkage", "train"]
        if options.upper is not None:
            train += ["--upper", str(options.upper)]
        if options.lower is not None:
            train += ["--lower", str(options.lower)]
        with step("casebridge linkage train", steps):
            call_command(*train)
        from casebridge.linkage.calibration import operating_thresholds
        from casebridge.linkage.selectors import current_linkage_model

        print(f"    operating thresholds: {operating_thresholds(model=current_linkage_model())}")
        for batch in ImportBatch.objects.order_by("pk"):
            with step(f"match batch {batch.pk} ({batch.kind})", steps):
                batch = batch_link(actor=actor, batch=batch)
            print(f"    {batch.linkage}")
        rejected = sum(ImportBatch.objects.values_list("rows_rejected", flat=True))
        print(f"  rows rejected by the formats: {rejected:,}")
        score(frame, options.records)
        total = sum(seconds for _, seconds, _, _ in steps[1:])
        cpu = sum(cpu for *_, cpu in steps[1:])
        peak = max(p for _, _, p, _ in steps)
        print(
            f"\nimport + train + match: {total:.0f} s ({total / 60:.1f} min; CPU {cpu:.0f} s), "
            f"peak {peak:.2f} GiB"
        )


if __name__ == "__main__":
    main()
