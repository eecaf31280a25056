"""Writing people records. Every write is authorised and audited in the same transaction."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter

from django.db import transaction

from casebridge.access.policy import Action, Resource, authorize, require_permission
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.bulk import insert_columns, insert_rows, ordered_uuids
from casebridge.people.models import Address, Identifier, Person, PersonName, Relationship
from casebridge.people.names import name_key


@dataclass(frozen=True)
class AddressDetails:
    line_1: str
    town: str
    postcode: str
    valid_from: date
    line_2: str = ""
    valid_to: date | None = None
    is_confidential: bool = False


@dataclass(frozen=True)
class PersonDetails:
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    sex: str = Person.Sex.NOT_KNOWN
    gender_identity: str = ""
    ethnicity: str = Person.Ethnicity.NOT_RECORDED
    disability: str = Person.YesNoUnknown.NOT_KNOWN
    sexual_orientation: str = Person.SexualOrientation.NOT_RECORDED
    care_experienced: bool = False
    aliases: Sequence[tuple[str, str]] = ()
    addresses: Sequence[AddressDetails] = ()
    identifiers: Sequence[tuple[str, str]] = field(default_factory=tuple)


def _name(person: Person, given: str, family: str, kind: str) -> PersonName:
    return PersonName(
        person=person,
        kind=kind,
        given_name=given.strip(),
        family_name=family.strip(),
        given_name_key=name_key(given),
        family_name_key=name_key(family),
        # Saved in bulk (no ``save``): the person's copies written here.
        recorded_by_agency_id=person.recorded_by_agency_id,
        date_of_birth=person.date_of_birth,
    )


def _build(details: PersonDetails, agency: Agency | None) -> tuple[Person, list[object]]:
    person = Person(
        date_of_birth=details.date_of_birth,
        sex=details.sex,
        gender_identity=details.gender_identity,
        ethnicity=details.ethnicity,
        disability=details.disability,
        sexual_orientation=details.sexual_orientation,
        care_experienced=details.care_experienced,
        recorded_by_agency=agency,
    )
    children: list[object] = [
        _name(person, details.given_name, details.family_name, PersonName.Kind.PRIMARY)
    ]
    children += [_name(person, g, f, PersonName.Kind.ALIAS) for g, f in details.aliases]
    children += [Address(person=person, **vars(a)) for a in details.addresses]
    children += [Identifier(person=person, scheme=s, value=v) for s, v in details.identifiers]
    return person, children


def _save_children(children: Iterable[object]) -> None:
    by_model: dict[type, list[object]] = {}
    for child in children:
        by_model.setdefault(type(child), []).append(child)
    for model, rows in by_model.items():
        model.objects.bulk_create(rows)  # type: ignore[attr-defined]


def _record_many(people: Sequence[PersonDetails], agency: Agency | None) -> list[Person]:
    built = [_build(details, agency) for details in people]
    persons = Person.objects.bulk_create([person for person, _ in built])
    _save_children(child for _, children in built for child in children)
    return persons


@transaction.atomic
def person_create(*, actor: User, details: PersonDetails) -> Person:
    """Record a new person on behalf of the actor's agency."""
    require_permission(user=actor, action=Action.CREATE, resource=Resource.PERSON)
    person, children = _build(details, actor.agency)
    person.save()
    _save_children(children)
    audit_record(
        actor=actor,
        action="create",
        object_type="person",
        object_id=person.pk,
        summary=f"Recorded person {details.given_name} {details.family_name}",
    )
    return person


@transaction.atomic
def people_bulk_create(
    *, actor: User, people: Sequence[PersonDetails], source: str
) -> list[Person]:
    """Record many people in one transaction with one audit entry (the demo borough)."""
    require_permission(user=actor, action=Action.CREATE, resource=Resource.PERSON)
    persons = _record_many(people, actor.agency)
    audit_record(
        actor=actor,
        action="create",
        object_type="person",
        summary=f"Recorded {len(persons)} people from {source}",
        changes={"count": len(persons), "source": source},
    )
    return persons


# A person's own fields an import gives, and an address's (all AddressDetails' fields).
PERSON_FIELDS = (
    "date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "disability",
    "sexual_orientation",
    "care_experienced",
)
ADDRESS_FIELDS = tuple(item.name for item in fields(AddressDetails))


def people_record_for_import(
    *, people: Sequence[PersonDetails], recorded_by: Agency
) -> list[uuid.UUID]:
    """Record the people a partner's extract names, as that partner's records; their ids.

    For the imports service only, inside its batch's transaction: it has checked that the
    actor may import the extract, and its one audit entry for the batch counts these people.
    Written set-based (a chunk of an import is thousands of people), a column at a time,
    without model instances.
    """
    if not people:
        return []
    ids = ordered_uuids(len(people))
    births = [details.date_of_birth for details in people]
    persons = dict(
        zip(PERSON_FIELDS, zip(*map(attrgetter(*PERSON_FIELDS), people), strict=True), strict=True)
    )
    insert_columns(
        Person, {"id": ids, "recorded_by_agency_id": [recorded_by.pk] * len(ids), **persons}
    )
    # (person, their date of birth, kind, given name, family name): each person's primary name
    # then their aliases, as they were always written.
    names: list[tuple[uuid.UUID, date | None, str, str, str]] = []
    addresses: list[tuple[uuid.UUID, AddressDetails]] = []
    identifiers = []
    for person_id, born, details in zip(ids, births, people, strict=True):
        names.append((person_id, born, "primary", details.given_name, details.family_name))
        # Loops, not comprehensions: most people have no alias or identifier and one address,
        # and a comprehension is a function call even when it has nothing to do.
        for given, family in details.aliases:
            names.append((person_id, born, "alias", given, family))
        for address in details.addresses:
            addresses.append((person_id, address))
        for scheme, value in details.identifiers:
            identifiers.append({"person_id": person_id, "scheme": scheme, "value": value})
    named, named_born, kinds, given_names, family_names = zip(*names, strict=True)
    insert_columns(
        PersonName,
        {
            "person_id": named,
            # The person's copies (see PersonName).
            "recorded_by_agency_id": [recorded_by.pk] * len(names),
            "date_of_birth": named_born,
            "kind": kinds,
            "given_name": [given.strip() for given in given_names],
            "family_name": [family.strip() for family in family_names],
            "given_name_key": list(map(name_key, given_names)),
            "family_name_key": list(map(name_key, family_names)),
        },
    )
    if addresses:
        details_of = map(attrgetter(*ADDRESS_FIELDS), (address for _, address in addresses))
        insert_columns(
            Address,
            {
                "person_id": [person_id for person_id, _ in addresses],
                **dict(zip(ADDRESS_FIELDS, zip(*details_of, strict=True), strict=True)),
            },
        )
    insert_rows(Identifier, identifiers)
    return ids


@transaction.atomic
def person_care_experienced_record(
    *, actor: User, person: Person, care_experienced: bool
) -> Person:
    """Record whether the person is care-experienced, learnt after they were recorded (the SIRM
    criteria count a care-experienced young person up to 25)."""
    authorize(user=actor, action=Action.CHANGE, obj=person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.care_experienced == care_experienced:
        return person
    person.care_experienced = care_experienced
    person.save(update_fields=["care_experienced", "updated_at"])
    audit_record(
        actor=actor,
        action="change",
        object_type="person",
        object_id=person.pk,
        summary="Recorded as care-experienced"
        if care_experienced
        else "Recorded as not care-experienced",
        changes={"care_experienced": [not care_experienced, care_experienced]},
    )
    return person


@transaction.atomic
def address_add(*, actor: User, person: Person, address: AddressDetails) -> Address:
    authorize(user=actor, action=Action.CHANGE, obj=person)
    created = Address.objects.create(person=person, **vars(address))
    audit_record(
        actor=actor,
        action="create",
        object_type="address",
        object_id=created.pk,
        # Never the address itself: the audit log is read by people not entitled to it.
        summary=f"Added {'a confidential' if address.is_confidential else 'an'} address",
        changes={"person": str(person.pk), "confidential": address.is_confidential},
    )
    return created


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    person: Person,
    related_person: Person,
    kind: str,
    valid_from: date | None = None,
) -> Relationship:
    authorize(user=actor, action=Action.CHANGE, obj=person)
    authorize(user=actor, action=Action.VIEW, obj=related_person)
    relationship = Relationship.objects.create(
        person=person, related_person=related_person, kind=kind, valid_from=valid_from
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="relationship",
        object_id=relationship.pk,
        summary=f"Recorded {kind} relationship",
        changes={"person": str(person.pk), "related_person": str(related_person.pk)},
    )
    return relationship
