"""A row whose person has no date of birth is loaded, its person matched on what the row gives,
and the row says so: no event is lost because a partner's system lacks one."""

import csv
import io

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.imports.formats import extract_format
from casebridge.imports.models import ImportBatch, LoadedRow, PartnerEvent
from casebridge.people.models import Identifier
from tests.factories import AgencyFactory, PersonFactory
from tests.imports.factories import analyst, example, run_import

pytestmark = pytest.mark.django_db

EVENT_FORMATS = [
    "court-outcomes",
    "police-custody",
    "probation-events",
    "school-exclusions",
    "social-care-episodes",
]


def without_date_of_birth(kind: str, *, blank: tuple[str, ...] = ()) -> bytes:
    """The format's example file with its first row's date of birth (and ``blank``) left out."""
    rows = list(csv.DictReader(io.StringIO(example(kind).decode())))
    for column in ("date_of_birth", *blank):
        rows[0][column] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def imported(kind: str, content: bytes) -> ImportBatch:
    supplier = AgencyFactory(kind=extract_format(kind).supplied_by)
    return run_import(actor=analyst(), supplied_by=supplier, content=content, kind=kind)


@pytest.mark.parametrize("kind", EVENT_FORMATS)
def test_a_row_without_a_date_of_birth_loads_its_event_and_says_so(kind):
    batch = imported(kind, without_date_of_birth(kind))
    assert (batch.status, batch.rows_rejected, batch.rows_noted) == ("loaded", 0, 1)
    first = LoadedRow.objects.get(line_number=2)
    assert first.event.person.date_of_birth is None
    assert "no date of birth" in first.notes[0]
    assert LoadedRow.objects.get(line_number=3).notes == []


def test_without_an_identifier_either_the_person_is_held_unmatched_and_the_row_says_so():
    batch = imported("school-exclusions", without_date_of_birth("school-exclusions"))
    assert LoadedRow.objects.get(line_number=2).notes == [
        "pupil: no date of birth and no identifier, so held unmatched until identity "
        "resolution (on name, sex and postcode) or an analyst links them"
    ]
    # The pupil's second exclusion gives a date of birth: another record, for linkage to join.
    assert batch.people_created == 2


def test_with_an_identifier_the_person_is_matched_by_it_and_the_row_says_so():
    held = PersonFactory(name=("Daniel", "Price"))
    Identifier.objects.create(person=held, scheme="probation", value="X123456")
    imported("probation-events", without_date_of_birth("probation-events"))
    first = LoadedRow.objects.get(line_number=2)
    assert first.notes == ["supervised: no date of birth, so matched by crn only"]
    assert first.event.person == held


def test_a_council_reference_left_blank_too_is_held_unmatched():
    content = without_date_of_birth("social-care-episodes", blank=("council_reference",))
    imported("social-care-episodes", content)
    assert "held unmatched" in LoadedRow.objects.get(line_number=2).notes[0]
    assert PartnerEvent.objects.get(reference="CSC-77120").person is not None


def test_a_person_not_named_at_all_needs_no_note():
    batch = imported("hospital-violence-attendances", example("hospital-violence-attendances"))
    assert batch.rows_noted == 0


def test_the_batch_page_and_its_report_show_the_rows_loaded_with_a_note(signed_in_client):
    user = analyst()
    supplier = AgencyFactory(kind="council")
    batch = run_import(
        actor=user,
        supplied_by=supplier,
        content=without_date_of_birth("school-exclusions"),
        kind="school-exclusions",
    )
    client = signed_in_client(user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "Rows loaded with a note" in page and "pupil: no date of birth" in page
    listing = client.get(reverse("imports:noted", args=[batch.pk])).content.decode()
    assert "EX-2022-0311" in listing
    report = client.get(reverse("imports:noted_csv", args=[batch.pk])).content.decode()
    assert list(csv.reader(io.StringIO(report)))[:2] == [
        ["line", "reference", "notes"],
        ["2", "EX-2022-0311", LoadedRow.objects.get(line_number=2).notes[0]],
    ]
    assert AuditEvent.objects.filter(summary__contains="loaded with a note").count() == 2
