"""Loading a batch's valid rows, a chunk at a time: the people they name, then the records
(incidents or partner events), each remembering the batch and line that loaded it, all written
set-based (one insert per table per chunk, COPY on PostgreSQL: core/bulk.py). Runs inside the
batch's one transaction (services/running.py), so it lands whole or not at all.

What is carried from chunk to chunk is only who each subject resolved to, by a digest of their
identity, so that the same person named in two chunks is one person, as in one."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import cast
from uuid import UUID

from django.db.models import F

from casebridge.core.bulk import insert_columns, insert_rows, next_ids, ordered_uuids
from casebridge.core.lookups import AnyOf
from casebridge.imports.formats import ExtractFormat, Subject
from casebridge.imports.models import ImportBatch, LoadedRow, PartnerEvent
from casebridge.imports.validation import CheckedRow, Value, day_of, jsonable
from casebridge.incidents.models import Incident
from casebridge.people.models import Identifier, Person
from casebridge.people.names import name_key
from casebridge.people.selectors import survivors
from casebridge.people.services import AddressDetails, PersonDetails, people_record_for_import
from casebridge.violence.services import SirmSift

BATCH_SIZE = 1_000
# A digest of a subject's identity (see _identity), and the person record it resolved to.
People = dict[bytes, UUID]


def _occurred_on(extract: ExtractFormat, row: CheckedRow) -> date:
    day = day_of(row.values[extract.occurred])
    assert day is not None, "the format requires its occurred column"
    return day


def _identity(
    subject: Subject, values: dict[str, Value], name_keys: Callable[[str], str]
) -> bytes | None:
    """What makes two mentions in one batch the same person: the identifier when there is
    one, otherwise every identifying value alike (a blank date of birth included). Near misses
    are identity resolution's. A digest, so a million of them fit in a few dozen megabytes.

    Digested as the values joined by NUL, which no checked cell holds (a blank is None, written
    as nothing: a parsed value is never empty), so the text is unambiguous; the identifier's
    form has one NUL and the other four, so the two never meet. The key never leaves the batch."""
    if values[subject.family_name] is None:
        return None
    if subject.identifier_column and values[subject.identifier_column]:
        text = f"{subject.identifier_scheme}\x00{values[subject.identifier_column]}"
    else:
        born, sex, postcode = (
            values[subject.date_of_birth],
            values[subject.sex],
            values[subject.postcode],
        )
        text = "\x00".join(
            (
                name_keys(str(values[subject.given_name])),
                name_keys(str(values[subject.family_name])),
                "" if born is None else str(born),
                "" if sex is None else str(sex),
                "" if postcode is None else str(postcode),
            )
        )
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _details(subject: Subject, values: dict[str, Value], since: date) -> PersonDetails:
    postcode = values[subject.postcode]
    identifier = values[subject.identifier_column] if subject.identifier_column else None
    return PersonDetails(
        given_name=str(values[subject.given_name]),
        family_name=str(values[subject.family_name]),
        date_of_birth=values[subject.date_of_birth],  # type: ignore[arg-type]
        sex=str(values[subject.sex] or Person.Sex.NOT_KNOWN),
        addresses=(
            [AddressDetails(line_1="", town="", postcode=str(postcode), valid_from=since)]
            if postcode
            else []
        ),
        identifiers=[(subject.identifier_scheme, str(identifier))] if identifier else (),
    )


def _event_details(extract: ExtractFormat, row: CheckedRow) -> dict[str, object]:
    """The row's own values; who it is about lives on the person record, not here."""
    personal = extract.personal_columns
    return {
        name: value
        for name, value in row.json_values.items()
        if name not in personal and value is not None
    }


@dataclass
class BatchLoader:
    """Loads one batch's rows chunk by chunk, counting what it did."""

    batch: ImportBatch
    extract: ExtractFormat
    people: People = field(default_factory=dict)
    loaded: int = 0
    updated: int = 0
    noted: int = 0
    people_created: int = 0
    people_matched: int = 0
    sirm: SirmSift = field(default_factory=SirmSift)
    # Each name's search form, remembered for the batch (given and family names repeat across
    # its rows) and let go with it: the names are personal data.
    name_keys: Callable[[str], str] = field(
        default_factory=lambda: lru_cache(maxsize=65_536)(name_key)
    )

    def load(self, rows: Sequence[CheckedRow], *, updates: set[int]) -> None:
        """Load a chunk: new rows, and rows updating what an earlier batch loaded (by line)."""
        new = [row for row in rows if row.line not in updates]
        if new:
            self._load_new(new)
        self._update([row for row in rows if row.line in updates])

    def _resolve(
        self, rows: Sequence[CheckedRow], identities: list[list[bytes | None]]
    ) -> list[list[bool]]:
        """Every subject's person id, by identity: found by identifier, or recorded anew. Gives,
        for each of the format's subjects, whether each row is where the batch recorded them."""
        self._known_by_identifier(rows, identities)
        recorded = [[False] * len(rows) for _ in self.extract.subjects]
        wanted: dict[bytes, PersonDetails] = {}
        for index, (row, row_identities) in enumerate(zip(rows, identities, strict=True)):
            for position, (subject, identity) in enumerate(
                zip(self.extract.subjects, row_identities, strict=True)
            ):
                if identity is None or identity in self.people or identity in wanted:
                    continue
                since = _occurred_on(self.extract, row)
                wanted[identity] = _details(subject, row.values, since)
                recorded[position][index] = True
        if wanted:
            created = people_record_for_import(
                people=list(wanted.values()), recorded_by=self.batch.supplied_by
            )
            self.people.update(zip(wanted, created, strict=True))
            self.people_created += len(created)
        return recorded

    def _known_by_identifier(
        self, rows: Sequence[CheckedRow], identities: list[list[bytes | None]]
    ) -> None:
        """Subjects whose identifier (PNC ID, NHS number, CRN...) a person record already has."""
        known: dict[bytes, UUID] = {}
        for position, subject in enumerate(self.extract.subjects):
            if not subject.identifier_column:
                continue
            by_value = {}
            for row, row_identities in zip(rows, identities, strict=True):
                value = row.values[subject.identifier_column]
                identity = row_identities[position]
                if value and identity is not None and identity not in self.people:
                    by_value[value] = identity
            if not by_value:
                continue
            found = Identifier.objects.filter(
                AnyOf(F("value"), list(by_value)), scheme=subject.identifier_scheme
            ).values_list("value", "person_id")
            known.update((by_value[value], person_id) for value, person_id in found)
        surviving = survivors(person_ids=set(known.values()))
        self.people.update((identity, surviving[pk]) for identity, pk in known.items())
        self.people_matched += len(known)

    def _person(self, identity: bytes | None) -> UUID | None:
        return None if identity is None else self.people[identity]

    def _load_new(self, rows: Sequence[CheckedRow]) -> None:
        # Each row's subjects' identities, in the order of the format's subjects.
        identities = [
            [_identity(subject, row.values, self.name_keys) for subject in self.extract.subjects]
            for row in rows
        ]
        recorded = self._resolve(rows, identities)
        count = len(rows)
        records: tuple[str, Sequence[object]]
        if self.extract.target == "incidents":
            records = ("incident_id", self._incidents(rows, identities))
            roles = [subject.role for subject in self.extract.subjects]
            subject = recorded[roles.index("victim")]
            suspect = recorded[roles.index("suspect")]
        else:
            records = ("event_id", self._events(rows, identities))
            # An event has at most one subject (formats.py).
            subject = recorded[0] if recorded else [False] * count
            suspect = [False] * count
        digests = [row.digests(self.extract.updatable) for row in rows]
        insert_columns(
            LoadedRow,
            {
                "batch_id": [self.batch.pk] * count,
                "line_number": [row.line for row in rows],
                "kind": [self.extract.kind] * count,
                "supplied_by_id": [self.batch.supplied_by_id] * count,
                "reference": [str(row.values[self.extract.reference]) for row in rows],
                "digest": [digest for digest, _ in digests],
                "stable_digest": [stable_digest for _, stable_digest in digests],
                "notes": [list(row.notes) for row in rows],
                "recorded_subject": subject,
                "recorded_suspect": suspect,
                records[0]: records[1],
            },
        )
        self.loaded += count
        self.noted += sum(1 for row in rows if row.notes)

    def _incidents(
        self, rows: Sequence[CheckedRow], identities: list[list[bytes | None]]
    ) -> list[UUID]:
        roles = [subject.role for subject in self.extract.subjects]
        victim, suspect = roles.index("victim"), roles.index("suspect")
        ids = ordered_uuids(len(rows))
        values = [row.values for row in rows]
        agency = self.batch.supplied_by_id

        def text(name: str) -> list[str]:
            return [str(row[name] or "") for row in values]

        def flag(name: str) -> list[bool]:
            return [bool(row[name]) for row in values]

        categories = [str(row["offence_group"]) for row in values]
        # Read once: an enum member's attribute access is a Python property call.
        domestic_abuse = str(Incident.Category.DOMESTIC_ABUSE)
        incidents: dict[str, Sequence[object]] = {
            "id": ids,
            "reporting_agency_id": [agency] * len(rows),
            "reference": [str(row["crime_reference"]) for row in values],
            "category": categories,
            "domestic_abuse": [
                bool(row["domestic_abuse_flag"]) or category == domestic_abuse
                for row, category in zip(values, categories, strict=True)
            ],
            "occurred_at": [row["occurred_at"] for row in values],
            "victim_id": [self._person(subjects[victim]) for subjects in identities],
            "suspect_id": [self._person(subjects[suspect]) for subjects in identities],
            "outcome": text("outcome"),
            "outcome_on": [row["outcome_on"] for row in values],
            "weapon": text("weapon"),
            "firearm_discharged": flag("firearm_discharged"),
            "kidnapping": flag("kidnapping"),
            "injury": text("injury"),
            "gang_related": flag("gang_related"),
            "child_in_victim_household": flag("child_in_victim_household"),
            "child_in_suspect_household": flag("child_in_suspect_household"),
            "ward": text("ward"),
            "outside_borough": flag("outside_borough"),
        }
        insert_columns(Incident, incidents)
        self.sirm.sift(columns=incidents)
        return ids

    def _events(
        self, rows: Sequence[CheckedRow], identities: list[list[bytes | None]]
    ) -> list[int]:
        ids = next_ids(PartnerEvent, len(rows))
        insert_rows(
            PartnerEvent,
            [
                {
                    "id": pk,
                    "kind": self.extract.kind,
                    "supplied_by_id": self.batch.supplied_by_id,
                    "reference": str(row.values[self.extract.reference]),
                    "occurred_on": _occurred_on(self.extract, row),
                    "person_id": self._person(row_identities[0]) if row_identities else None,
                    "details": _event_details(self.extract, row),
                }
                for pk, row, row_identities in zip(ids, rows, identities, strict=True)
            ],
        )
        return ids

    def finish(self) -> None:
        """Once every chunk is loaded: propose the SIRMs its incidents call for, in the batch's
        transaction (an import that fails leaves no proposal behind)."""
        self.sirm.propose()

    def _update(self, rows: Sequence[CheckedRow]) -> None:
        """Apply what a later extract says of rows loaded before, in their updatable columns
        only (checking found that nothing else differs)."""
        if not rows:
            return
        extract = self.extract
        earlier = {
            loaded.reference: loaded
            for loaded in LoadedRow.objects.filter(
                AnyOf(F("reference"), [str(row.values[extract.reference]) for row in rows]),
                kind=extract.kind,
                supplied_by=self.batch.supplied_by,
            )
        }
        updates = [(earlier[str(row.values[extract.reference])], row) for row in rows]
        changed = set(extract.updatable)
        if extract.target == "incidents":
            incidents = Incident.objects.in_bulk([loaded.incident_id for loaded, _ in updates])
            for loaded, row in updates:
                incident = incidents[loaded.incident_id]
                incident.outcome = str(row.values["outcome"] or "")
                incident.outcome_on = cast(date | None, row.values["outcome_on"])
            Incident.objects.bulk_update(incidents.values(), ["outcome", "outcome_on"])
        else:
            events = PartnerEvent.objects.in_bulk([loaded.event_id for loaded, _ in updates])
            for loaded, row in updates:
                details = events[loaded.event_id].details
                for column, value in jsonable(row.values).items():
                    if column in changed:
                        details[column] = value
            PartnerEvent.objects.bulk_update(events.values(), ["details"], batch_size=BATCH_SIZE)
        for loaded, row in updates:
            loaded.digest, loaded.updated_by, loaded.updated_line = row.digest, self.batch, row.line
        LoadedRow.objects.bulk_update(
            [loaded for loaded, _ in updates],
            ["digest", "updated_by", "updated_line"],
            batch_size=BATCH_SIZE,
        )
        self.updated += len(updates)
