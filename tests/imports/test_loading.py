"""Loading a batch a chunk at a time: the same records as one chunk would make, all or nothing
whichever chunk fails, and audited once."""

import pytest

from casebridge.audit.models import AuditEvent
from casebridge.imports import loading
from casebridge.imports.models import ImportBatch, LoadedRow
from casebridge.incidents.models import Incident
from casebridge.people.models import Identifier, Person
from tests.factories import AgencyFactory
from tests.imports.factories import analyst, offence, offences_csv, police, run_import
from tests.imports.test_services import table_counts

pytestmark = pytest.mark.django_db

HEADER = (
    "crime_reference,offence_group,domestic_abuse_flag,occurred_at,outcome,outcome_on,"
    "victim_given_name,victim_family_name,victim_date_of_birth,victim_sex,victim_postcode,"
    "suspect_given_name,suspect_family_name,suspect_pnc_id"
)


def row(reference: str, victim: str, suspect: str = ",,", **changes: str) -> str:
    given, family = victim.split()
    victim_row = offence(reference, victim_given_name=given, victim_family_name=family, **changes)
    return f"{victim_row},{suspect}"


# Seven rows: the same victim in the first chunk and the last, a suspect known by PNC ID in two
# chunks, a rejected row and a reference repeated across chunks.
ROWS = [
    row("01/1/22", "Amira Hussain", "Daniel,Price,2010/0456789K"),
    row("01/2/22", "Joanne Clarke"),
    row("01/3/22", "Peter Okafor", victim_sex="X"),
    row("01/4/22", "Kyle Bennett", "Dan,Price,2010/0456789K"),
    row("01/5/22", "Layla Hussain", victim_date_of_birth=""),
    row("01/2/22", "Grace Nowak"),
    row("01/7/22", "Amira Hussain"),
]


def snapshot() -> dict[str, object]:
    """What the batches made, without the ids that differ from one run to another."""
    names = {p.pk: (p.primary_name.full_name, p.date_of_birth) for p in Person.objects.all()}
    return {
        "incidents": sorted(
            (i.reference, names[i.victim_id], names.get(i.suspect_id))
            for i in Incident.objects.all()
        ),
        "people": sorted(names.values(), key=str),
        "identifiers": sorted(Identifier.objects.values_list("scheme", "value")),
        "loaded": sorted(LoadedRow.objects.values_list("line_number", "reference", "notes")),
        "rejected": sorted(
            (r.line_number, r.reasons) for r in ImportBatch.objects.get().rejected_rows.all()
        ),
        "counts": ImportBatch.objects.values(
            "rows_read", "rows_loaded", "rows_rejected", "rows_noted", "people_created"
        ).get(),
    }


def import_in_chunks(monkeypatch, size: int, content: bytes) -> ImportBatch:
    monkeypatch.setattr("casebridge.imports.services.checking.CHUNK", size)
    return run_import(actor=analyst(), supplied_by=police(), content=content)


def test_a_file_loaded_in_chunks_of_two_makes_what_one_chunk_makes(monkeypatch):
    content = offences_csv(*ROWS, header=HEADER)
    whole = import_in_chunks(monkeypatch, 1_000, content)
    assert (whole.status, whole.rows_loaded, whole.rows_rejected) == ("loaded", 5, 2)
    expected = snapshot()
    for model in (LoadedRow, Incident, ImportBatch, Person):
        model.objects.all().delete()

    import_in_chunks(monkeypatch, 2, content)

    assert snapshot() == expected
    assert [name for name, _ in expected["people"]].count("Amira Hussain") == 1
    assert expected["identifiers"] == [("pnc", "2010/0456789K")]


def test_a_constraint_failing_in_the_third_chunk_loads_nothing_but_keeps_rejected_rows(
    monkeypatch,
):
    before = table_counts()
    real_insert = loading.insert_columns
    chunks = []

    def third_chunk_repeats_a_row(model, columns):
        if model is LoadedRow:
            chunks.append(columns)
            if len(chunks) == 3:
                # The unique reference twice: the database refuses it.
                columns = {name: [*values, values[0]] for name, values in columns.items()}
        real_insert(model, columns)

    monkeypatch.setattr(loading, "insert_columns", third_chunk_repeats_a_row)
    batch = import_in_chunks(monkeypatch, 2, offences_csv(*ROWS, header=HEADER))

    # Reached the third chunk (on PostgreSQL its COPY fails while the next chunk is built, so
    # the failure may be met a chunk later, in the same transaction).
    assert len(chunks) >= 3
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error.startswith("The rows could not be loaded, so none were: ")
    assert table_counts() == before
    assert sorted(batch.rejected_rows.values_list("line_number", flat=True)) == [4, 7]


def test_a_file_unreadable_after_its_first_chunk_fails_whole_keeping_no_rejected_rows(monkeypatch):
    unreadable = row("01/8/22", "Amira Hussain", victim_postcode="SE15\x00")
    content = offences_csv(*ROWS[:3], unreadable, header=HEADER)
    batch = import_in_chunks(monkeypatch, 2, content)
    assert batch.status == ImportBatch.Status.FAILED
    assert "NUL bytes" in batch.error
    assert not batch.rejected_rows.exists() and not Incident.objects.exists()


def test_a_load_of_many_chunks_is_audited_once_with_its_counts(monkeypatch):
    # Noted: the victim without a date of birth, and the two suspects named without one.
    batch = import_in_chunks(monkeypatch, 2, offences_csv(*ROWS, header=HEADER))
    entry = AuditEvent.objects.get(object_type="import_batch", summary__startswith="Loaded")
    assert entry.object_id == str(batch.pk)
    assert (entry.changes["loaded"], entry.changes["rejected"], entry.changes["noted"]) == (5, 2, 3)


def test_a_later_extract_updates_rows_whichever_chunk_they_are_in(monkeypatch):
    actor, supplier = analyst(), AgencyFactory(kind="police")
    first = offences_csv(*(offence(f"01/{n}/22") for n in range(1, 6)))
    monkeypatch.setattr("casebridge.imports.services.checking.CHUNK", 2)
    run_import(actor=actor, supplied_by=supplier, content=first)
    later = offences_csv(
        *(offence(f"01/{n}/22", outcome="caution", outcome_on="2022-06-01") for n in range(1, 6))
    )
    batch = run_import(actor=actor, supplied_by=supplier, content=later)
    assert (batch.rows_updated, batch.rows_loaded) == (5, 0)
    assert set(Incident.objects.values_list("outcome", flat=True)) == {"caution"}
