"""People as the engine compares them: one flat record each, from the database.

A record holds the primary name, date of birth, sex and the postcode of the newest address
that is not confidential. A confidential address (a refuge, a safe house) never enters a
record: records feed training, matching and the evidence an analyst is shown.
"""

from datetime import date
from typing import Any

import pyarrow as pa
from django.db.models import OuterRef, QuerySet, Subquery

from casebridge.people.models import Address, Person, PersonName

LinkageRecord = dict[str, Any]

# The engine's columns (``engine.RECORD_COLUMNS``), all text: a date of birth as ISO.
RECORD_SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("given_name", pa.string()),
        ("family_name", pa.string()),
        ("date_of_birth", pa.string()),
        ("sex", pa.string()),
        ("postcode", pa.string()),
    ]
)

# The engine knows female and male; "not known" is a missing value, not a third sex.
_ENGINE_SEX: dict[str, str] = {Person.Sex.FEMALE: "female", Person.Sex.MALE: "male"}


def current_people() -> QuerySet[Person]:
    """People who are records in their own right: not merged into another."""
    return Person.objects.filter(merged_into__isnull=True)


def _primary_name(column: str) -> Subquery:
    names = PersonName.objects.filter(person_id=OuterRef("pk"), kind=PersonName.Kind.PRIMARY)
    return Subquery(names.order_by("pk").values(column)[:1])


def _open_postcode() -> Subquery:
    addresses = Address.objects.filter(person_id=OuterRef("pk"), is_confidential=False)
    return Subquery(addresses.order_by("-valid_from", "-pk").values("postcode")[:1])


def linkage_records(*, people: QuerySet[Person]) -> list[LinkageRecord]:
    """One record per person, in the engine's columns (``engine.RECORD_COLUMNS``)."""
    rows = people.annotate(
        linkage_given_name=_primary_name("given_name"),
        linkage_family_name=_primary_name("family_name"),
        linkage_postcode=_open_postcode(),
    ).values_list(
        "pk",
        "linkage_given_name",
        "linkage_family_name",
        "date_of_birth",
        "sex",
        "linkage_postcode",
    )
    return [
        linkage_record(
            unique_id=str(pk),
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex=sex,
            postcode=postcode,
        )
        for pk, given, family, born, sex, postcode in rows.iterator(chunk_size=5000)
    ]


def linkage_record(
    *,
    given_name: str | None,
    family_name: str | None,
    date_of_birth: date | None,
    sex: str,
    postcode: str | None,
    unique_id: str | None = None,
) -> LinkageRecord:
    """One person's values in the engine's columns: blanks as missing, dates as ISO text."""
    record: LinkageRecord = {} if unique_id is None else {"unique_id": unique_id}
    return record | {
        "given_name": given_name or None,
        "family_name": family_name or None,
        "date_of_birth": date_of_birth.isoformat() if date_of_birth else None,
        "sex": _ENGINE_SEX.get(sex),
        "postcode": postcode or None,
    }


def records_table(records: list[LinkageRecord]) -> pa.Table:
    """Records as the table the engine takes (typed even when there are none)."""
    return pa.Table.from_pylist(records, schema=RECORD_SCHEMA)
