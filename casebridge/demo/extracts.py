"""The partner extracts Northbridge's analyst imports once the two years are written: the
police's custody records and the probation service's supervision events for people the police
know as suspects, spelt as partner systems spell them.

Each goes through the import service exactly as an upload does, so the demo has batches on the
Imports page (a couple of rows rejected, for the quarantine to show), and identity resolution
links the detained to the suspects already held, leaving the near misses in the review queue.
"""

import csv
import random
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import time_machine

from casebridge.core.errors import ApplicationError
from casebridge.demo.calendar import AS_OF, PERIOD_END
from casebridge.demo.setup import Organisation
from casebridge.imports.models import ImportBatch
from casebridge.imports.services import batch_link, import_file
from casebridge.incidents.models import Incident
from casebridge.linkage.nicknames import NICKNAMES
from casebridge.linkage.services import linkage_model_train
from casebridge.people.models import Person

ANALYST = "lee.chen"
DETAINED_SHARE = 0.35  # of the suspects the police hold, detained in custody at least once
SUPERVISED_SHARE = 0.4  # of those detained, then supervised by probation
# How often a partner system spells a person differently from the record held (per row).
TYPO, NICKNAME, NO_POSTCODE, MOVED, SWAPPED_DAY_MONTH = 0.08, 0.08, 0.1, 0.1, 0.03
OFFENCE_GROUPS = [
    "violence_with_injury",
    "violence_without_injury",
    "criminal_damage",
    "public_order",
]
DISPOSALS = ["charged", "released_under_investigation", "bail", "no_further_action"]

Progress = Callable[[str], None]


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _nickname(given: str, rng: random.Random) -> str:
    short = NICKNAMES.get(given.lower())
    return rng.choice(short).title() if short else given


def _identity(person: Person, rng: random.Random, postcodes: list[str]) -> dict[str, str]:
    name = person.primary_name
    assert name is not None
    given, family = name.given_name, name.family_name
    if rng.random() < TYPO:
        family = _typo(family, rng)
    if rng.random() < NICKNAME:
        given = _nickname(given, rng)
    born = person.date_of_birth
    if born and born.day <= 12 and rng.random() < SWAPPED_DAY_MONTH:
        born = date(born.year, born.day, born.month)
    addresses = [a for a in person.addresses.all() if not a.is_confidential]
    postcode = addresses[0].postcode if addresses else ""
    if rng.random() < NO_POSTCODE:
        postcode = ""
    elif rng.random() < MOVED:
        postcode = rng.choice(postcodes)  # moved within the borough
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": born.isoformat() if born else "",
        "sex": {"female": "F", "male": "M"}.get(person.sex, ""),
        "postcode": postcode,
    }


def _suspects() -> list[tuple[Person, date]]:
    """Each suspect with the first day the police recorded them as one, in the order of those
    first incidents. Not by id: people's ids are random UUIDs, and the extracts drawn from this
    list must be the same for one seed."""
    first: dict[object, date] = {}
    for suspect, occurred_at in (
        Incident.objects.filter(suspect__isnull=False)
        .order_by("occurred_at", "reporting_agency__code", "reference")
        .values_list("suspect", "occurred_at")
    ):
        first.setdefault(suspect, occurred_at.date())
    people = Person.objects.prefetch_related("names", "addresses").in_bulk(first)
    return [(people[pk], day) for pk, day in first.items()]


def _day_between(start: date, rng: random.Random) -> date:
    """A day from ``start`` to the day before the imports (so no time in it is to come)."""
    last = PERIOD_END - timedelta(days=1)
    return start + timedelta(days=rng.randint(0, max((last - start).days, 0)))


def _custody_rows(
    detained: list[tuple[Person, date]], rng: random.Random, postcodes: list[str]
) -> list[dict]:
    rows = []
    for n, (person, since) in enumerate(detained):
        day = _day_between(since, rng)
        rows.append(
            {
                "custody_reference": f"NB/C/{day:%y}/{n:05d}",
                "detained_at": datetime.combine(day, time(rng.randint(0, 23), 5)).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "offence_group": rng.choice(OFFENCE_GROUPS),
                "disposal": rng.choice(DISPOSALS),
                "domestic_abuse_flag": "Y",
                **_identity(person, rng, postcodes),
                "pnc_id": "",
            }
        )
    # Two rows as partner systems sometimes send them, for the quarantine to show.
    if len(rows) >= 2:
        rows[0]["offence_group"] = "assault"
        rows[1]["detained_at"] = "31/11/2022 02:00"
    return rows


def _probation_rows(
    supervised: list[tuple[Person, date]], rng: random.Random, postcodes: list[str]
) -> list[dict]:
    rows = []
    for n, (person, since) in enumerate(supervised):
        identity = _identity(person, rng, postcodes)
        started = _day_between(since, rng)
        crn = f"N{100000 + n}"
        events = [("order_started", started)]
        if rng.random() < 0.2 and started < PERIOD_END:
            events.append(("breach", _day_between(started, rng)))
        for event, day in events:
            rows.append(
                {
                    "event_reference": f"NB-EV-{len(rows):06d}",
                    "crn": crn,
                    "event": event,
                    "event_on": day.isoformat(),
                    "tier": rng.choice("abcd"),
                    "iom_cohort": rng.choice("YN"),
                    **identity,
                }
            )
    return rows


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_partner_extracts(*, org: Organisation, seed: int, progress: Progress) -> None:
    """Import the extracts at the close of the period, then train the linkage model on
    everyone now held (the imported duplicates are what it learns from) and match each batch's
    people."""
    with time_machine.travel(AS_OF, tick=False):
        _import_partner_extracts(org=org, seed=seed, progress=progress)


def _import_partner_extracts(*, org: Organisation, seed: int, progress: Progress) -> None:
    rng = random.Random(seed + 6)  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    analyst = org.users[ANALYST]
    suspects = _suspects()
    detained = [pair for pair in suspects if rng.random() < DETAINED_SHARE]
    supervised = [pair for pair in detained if rng.random() < SUPERVISED_SHARE]
    if not supervised:
        return
    postcodes = sorted(
        {a.postcode for person, _ in suspects for a in person.addresses.all() if a.postcode}
    )
    extracts = [
        ("police-custody", "nb-police", _custody_rows(detained, rng, postcodes)),
        ("probation-events", "nb-probation", _probation_rows(supervised, rng, postcodes)),
    ]
    batches = []
    with tempfile.TemporaryDirectory(prefix="casebridge-demo-extracts-") as directory:
        for kind, supplier, rows in extracts:
            batch = import_file(
                actor=analyst,
                kind=kind,
                supplied_by=org.agencies[supplier],
                path=_write(Path(directory) / f"{kind}-{PERIOD_END:%Y-%m}.csv", rows),
            )
            assert batch.status == ImportBatch.Status.LOADED, batch.error
            progress(f"  {kind}: {batch.rows_loaded:,} rows loaded, {batch.rows_rejected} rejected")
            batches.append(batch)
    try:
        model = linkage_model_train(actor=analyst)
    except ApplicationError as error:
        progress(f"  identity resolution: no model ({error.message})")
        return
    progress(f"  identity resolution: model trained on {model.record_count:,} people")
    for batch in batches:
        progress(f"  {batch.kind}: {batch_link(actor=analyst, batch=batch).linkage}")
