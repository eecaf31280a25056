"""Loading a batch's valid rows: the people they name, then the records (incidents or partner
events), each remembering the batch and line that loaded it. Runs inside the batch's one
transaction (imports/services.py), so it lands whole or not at all."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast
from uuid import UUID

from casebridge.imports.formats import ExtractFormat, Subject
from casebridge.imports.models import ImportBatch, LoadedRow, PartnerEvent
from casebridge.imports.validation import CheckedRow, Value, day_of, jsonable
from casebridge.incidents.models import Incident
from casebridge.people.models import Identifier, Person
from casebridge.people.names import name_key
from casebridge.people.selectors import survivors
from casebridge.people.services import AddressDetails, PersonDetails, people_record_for_import
from casebridge.violence.services import sirm_proposals_for

BATCH_SIZE = 1_000
# A subject's identity (see _identity) and the id of the person record it resolved to.
People = dict[tuple[object, ...], UUID]


@dataclass
class LoadOutcome:
    created: int = 0
    matched: int = 0
    new_people: list[Person] = field(default_factory=list)


def _occurred_on(extract: ExtractFormat, row: CheckedRow) -> date:
    day = day_of(row.values[extract.occurred])
    assert day is not None, "the format requires its occurred column"
    return day


def _identity(subject: Subject, values: dict[str, Value]) -> tuple[object, ...] | None:
    """What makes two mentions in one batch the same person: the identifier when there is
    one, otherwise every identifying value alike. Near misses are identity resolution's."""
    if values[subject.family_name] is None:
        return None
    if subject.identifier_column and values[subject.identifier_column]:
        return (subject.identifier_scheme, values[subject.identifier_column])
    return (
        name_key(str(values[subject.given_name])),
        name_key(str(values[subject.family_name])),
        values[subject.date_of_birth],
        values[subject.sex],
        values[subject.postcode],
    )


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


def _known_by_identifier(extract: ExtractFormat, rows: Sequence[CheckedRow]) -> People:
    """Subjects whose identifier (PNC ID, NHS number, CRN...) a person record already has."""
    known: People = {}
    for subject in extract.subjects:
        if not subject.identifier_column:
            continue
        values = {row.values[subject.identifier_column] for row in rows} - {None}
        found = Identifier.objects.filter(scheme=subject.identifier_scheme, value__in=values)
        for scheme, value, person_id in found.values_list("scheme", "value", "person_id"):
            known[(scheme, value)] = person_id
    surviving = survivors(person_ids=set(known.values()))
    return {key: surviving[person_id] for key, person_id in known.items()}


def _people(
    batch: ImportBatch, extract: ExtractFormat, rows: Sequence[CheckedRow], outcome: LoadOutcome
) -> People:
    """Every subject's person id, by identity: found by identifier, or recorded anew."""
    people = _known_by_identifier(extract, rows)
    outcome.matched = len(people)
    wanted: dict[tuple[object, ...], PersonDetails] = {}
    for row in rows:
        since = _occurred_on(extract, row)
        for subject in extract.subjects:
            identity = _identity(subject, row.values)
            if identity is not None and identity not in people and identity not in wanted:
                wanted[identity] = _details(subject, row.values, since)
    created = people_record_for_import(people=list(wanted.values()), recorded_by=batch.supplied_by)
    people.update((identity, person.pk) for identity, person in zip(wanted, created, strict=True))
    outcome.created, outcome.new_people = len(created), created
    return people


def _person(subject: Subject, row: CheckedRow, people: People) -> UUID | None:
    identity = _identity(subject, row.values)
    return None if identity is None else people[identity]


def _loaded_row(batch: ImportBatch, extract: ExtractFormat, row: CheckedRow) -> LoadedRow:
    return LoadedRow(
        batch=batch,
        line_number=row.line,
        kind=extract.kind,
        supplied_by=batch.supplied_by,
        reference=str(row.values[extract.reference]),
        digest=row.digest,
        stable_digest=row.digest_without(extract.updatable),
    )


def _incidents(
    batch: ImportBatch, extract: ExtractFormat, rows: Sequence[CheckedRow], people: People
) -> list[Incident]:
    roles = {subject.role: subject for subject in extract.subjects}
    incidents = []
    for row in rows:
        values = row.values
        category = str(values["offence_group"])
        incidents.append(
            Incident(
                reporting_agency=batch.supplied_by,
                reference=str(values["crime_reference"]),
                category=category,
                domestic_abuse=bool(values["domestic_abuse_flag"])
                or category == Incident.Category.DOMESTIC_ABUSE,
                occurred_at=cast(datetime, values["occurred_at"]),
                victim_id=_person(roles["victim"], row, people),
                suspect_id=_person(roles["suspect"], row, people),
                outcome=str(values["outcome"] or ""),
                outcome_on=cast(date | None, values["outcome_on"]),
                weapon=str(values["weapon"] or ""),
                firearm_discharged=bool(values["firearm_discharged"]),
                kidnapping=bool(values["kidnapping"]),
                injury=str(values["injury"] or ""),
                gang_related=bool(values["gang_related"]),
                child_in_victim_household=bool(values["child_in_victim_household"]),
                child_in_suspect_household=bool(values["child_in_suspect_household"]),
                ward=str(values["ward"] or ""),
                outside_borough=bool(values["outside_borough"]),
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=BATCH_SIZE)
    # In the batch's transaction: an import that fails leaves no proposal behind.
    sirm_proposals_for(incidents=incidents)
    return incidents


def _event_details(extract: ExtractFormat, values: dict[str, Value]) -> dict[str, object]:
    """The row's own values; who it is about lives on the person record, not here."""
    personal = {
        name
        for subject in extract.subjects
        for name in (
            subject.given_name,
            subject.family_name,
            subject.date_of_birth,
            subject.sex,
            subject.postcode,
            subject.identifier_column,
        )
    }
    return {
        name: value
        for name, value in jsonable(values).items()
        if name not in personal and value is not None
    }


def load_rows(
    *, batch: ImportBatch, extract: ExtractFormat, rows: Sequence[CheckedRow]
) -> LoadOutcome:
    outcome = LoadOutcome()
    people = _people(batch, extract, rows, outcome)
    loaded = [_loaded_row(batch, extract, row) for row in rows]
    if extract.target == "incidents":
        for record, incident in zip(loaded, _incidents(batch, extract, rows, people), strict=True):
            record.incident = incident
    else:
        subject = extract.subjects[0] if extract.subjects else None
        events = [
            PartnerEvent(
                kind=extract.kind,
                supplied_by=batch.supplied_by,
                reference=str(row.values[extract.reference]),
                occurred_on=_occurred_on(extract, row),
                person_id=_person(subject, row, people) if subject else None,
                details=_event_details(extract, row.values),
            )
            for row in rows
        ]
        PartnerEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        for record, event in zip(loaded, events, strict=True):
            record.event = event
    LoadedRow.objects.bulk_create(loaded, batch_size=BATCH_SIZE)
    return outcome


def update_rows(
    *, batch: ImportBatch, extract: ExtractFormat, updates: Sequence[tuple[LoadedRow, CheckedRow]]
) -> None:
    """Apply what a later extract says of rows loaded before, in their updatable columns only
    (the caller has checked that nothing else differs)."""
    if not updates:
        return
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
        loaded.digest, loaded.updated_by, loaded.updated_line = row.digest, batch, row.line
    LoadedRow.objects.bulk_update(
        [loaded for loaded, _ in updates],
        ["digest", "updated_by", "updated_line"],
        batch_size=BATCH_SIZE,
    )
