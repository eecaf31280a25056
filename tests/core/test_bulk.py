"""core/bulk.insert_rows writes what the ORM would: on PostgreSQL through a binary COPY with the
columns' types set, on SQLite through executemany."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from casebridge.core.bulk import insert_columns, insert_rows, ordered_uuids, overlapped_inserts
from casebridge.imports.models import PartnerEvent
from casebridge.incidents.models import Incident
from casebridge.people.models import Person, PersonName
from tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db

AWKWARD = 'Tab\there, a new\nline, a back\\slash, "quotes", N\'Dour, Zoë, 🦊'


def test_rows_read_back_as_written_awkward_text_times_dates_and_json():
    agency = AgencyFactory()
    person_id = uuid.uuid4()
    occurred = datetime(2022, 7, 1, 21, 15, tzinfo=ZoneInfo("Europe/London"))
    insert_rows(
        Person,
        [{"id": person_id, "date_of_birth": date(1990, 2, 28), "recorded_by_agency_id": agency.pk}],
    )
    insert_rows(
        PersonName,
        [
            {
                "person_id": person_id,
                "kind": "primary",
                "given_name": AWKWARD,
                "family_name": "",
                "given_name_key": "tab",
                "family_name_key": "",
                "recorded_by_agency_id": agency.pk,
                "date_of_birth": date(1990, 2, 28),
            }
        ],
    )
    incident_id = uuid.uuid4()
    insert_rows(
        Incident,
        [
            {
                "id": incident_id,
                "reporting_agency_id": agency.pk,
                "reference": "01/1/22",
                "category": "other",
                "occurred_at": occurred,
                "victim_id": person_id,
                "suspect_id": None,
                "outcome_on": None,
            }
        ],
    )
    # A person's id given as text is converted by the field, as the ORM would.
    insert_rows(
        PartnerEvent,
        [
            {
                "kind": "custody",
                "supplied_by_id": agency.pk,
                "reference": "C1",
                "occurred_on": date(2022, 7, 2),
                "person_id": str(person_id),
                "details": {"note": AWKWARD, "count": 2, "flags": [True, None]},
            }
        ],
    )

    person = Person.objects.get(pk=person_id)
    assert person.date_of_birth == date(1990, 2, 28)
    # Left out: each takes its field's default.
    assert person.sex == Person.Sex.NOT_KNOWN and person.merged_into_id is None
    assert person.created_at is not None
    assert person.names.get().given_name == AWKWARD
    incident = Incident.objects.get(pk=incident_id)
    assert incident.occurred_at == occurred and incident.victim_id == person_id
    assert (incident.suspect_id, incident.outcome, incident.domestic_abuse) == (None, "", False)
    event = PartnerEvent.objects.get()
    assert event.person_id == person_id and event.occurred_on == date(2022, 7, 2)
    assert event.details == {"note": AWKWARD, "count": 2, "flags": [True, None]}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps no text's length")
def test_a_value_longer_than_its_column_is_refused_by_the_binary_copy():
    agency = AgencyFactory()
    person = PersonFactory()
    with pytest.raises(DataError), transaction.atomic():
        insert_rows(
            Incident,
            [
                {
                    "id": uuid.uuid4(),
                    "reporting_agency_id": agency.pk,
                    "reference": "R" * 41,
                    "category": "other",
                    "occurred_at": datetime(2022, 7, 1, tzinfo=ZoneInfo("UTC")),
                    "victim_id": person.pk,
                }
            ],
        )
    assert not Incident.objects.exists()


def _incident(agency_id: int, victim_id: uuid.UUID, reference: str) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "reporting_agency_id": agency_id,
        "reference": reference,
        "category": "other",
        "occurred_at": datetime(2022, 7, 1, tzinfo=ZoneInfo("UTC")),
        "victim_id": victim_id,
    }


def test_rows_handed_over_are_written_before_the_next_query_reads():
    agency = AgencyFactory()
    person_id = uuid.uuid4()
    with transaction.atomic(), overlapped_inserts():
        insert_rows(Person, [{"id": person_id, "recorded_by_agency_id": agency.pk}])
        insert_rows(Incident, [_incident(agency.pk, person_id, f"01/{n}/22") for n in range(50)])
        assert Incident.objects.filter(victim_id=person_id).count() == 50
    assert Person.objects.filter(pk=person_id).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL's COPYs overlap the caller"
)
def test_a_row_pointing_at_no_record_fails_the_overlapped_inserts_and_writes_nothing():
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), overlapped_inserts():
        # A victim nobody recorded: the foreign key refuses it, whenever it is checked.
        insert_rows(Incident, [_incident(agency.pk, uuid.uuid4(), "01/1/22")])
    assert not Incident.objects.exists()


def test_ordered_uuids_are_version_7_each_greater_than_the_last_and_unique():
    ids = ordered_uuids(10_000)  # past 4,096: the counter carries into the time
    # Made without UUID.__init__: each the same as the UUID its text or number gives.
    assert all(uuid.UUID(str(pk)) == pk == uuid.UUID(int=pk.int) for pk in ids[:100])
    assert {hash(pk) for pk in ids[:100]} == {hash(uuid.UUID(str(pk))) for pk in ids[:100]}
    assert ids[0].is_safe is uuid.UUID(int=ids[0].int).is_safe
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {(key.version, key.variant) for key in ids} == {(7, uuid.RFC_4122)}


def test_columns_are_written_as_the_same_rows_would_be():
    agency = AgencyFactory()
    ids = ordered_uuids(2)
    born = [date(1990, 2, 28), None]
    insert_columns(
        Person,
        {"id": ids, "date_of_birth": born, "recorded_by_agency_id": [agency.pk] * 2},
    )
    assert list(Person.objects.order_by("id").values_list("id", "date_of_birth", "sex")) == [
        (ids[0], born[0], Person.Sex.NOT_KNOWN),  # a column left out takes its default
        (ids[1], None, Person.Sex.NOT_KNOWN),
    ]
    with pytest.raises(AssertionError, match="no field"):
        insert_columns(Person, {"id": ordered_uuids(1), "no_such_field": ["x"]})
