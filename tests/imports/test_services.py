import pytest
from django.db import connection

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.imports.formats import extract_formats
from casebridge.imports.models import ImportBatch, LoadedRow, PartnerEvent
from casebridge.imports.selectors import batch_people, person_batches, recorded_by_a_batch
from casebridge.incidents.models import Incident
from casebridge.people.models import Identifier, Person
from casebridge.violence.models import SirmProposal
from tests.factories import AgencyFactory, PersonFactory, UserFactory
from tests.imports.factories import (
    HEADER,
    analyst,
    example,
    offence,
    offences_csv,
    police,
    run_import,
)

pytestmark = pytest.mark.django_db

Status = ImportBatch.Status


def table_counts() -> dict[str, int]:
    tables = ["incidents_incident", "people_person", "people_personname", "people_address"]
    tables += ["people_identifier", "imports_partnerevent", "imports_loadedrow"]
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed table names)
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.parametrize("kind", list(extract_formats()))
def test_every_documented_example_file_loads_whole(kind):
    supplier = AgencyFactory(kind=extract_formats()[kind].supplied_by)
    batch = run_import(actor=analyst(), supplied_by=supplier, content=example(kind), kind=kind)
    assert (batch.status, batch.rows_rejected, batch.error) == (Status.LOADED, 0, "")
    assert batch.rows_loaded == batch.rows_read > 0
    assert LoadedRow.objects.filter(batch=batch).count() == batch.rows_loaded


def test_valid_rows_load_and_rejected_rows_are_kept_with_line_and_reason():
    content = offences_csv(
        offence("01/1/22"),
        offence("01/2/22", occurred_at="31/02/2022 10:00"),
        offence("01/3/22", offence_group="burglary"),
    )
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert (batch.rows_read, batch.rows_loaded, batch.rows_rejected) == (3, 1, 2)
    rejected = list(batch.rejected_rows.all())
    assert [row.line_number for row in rejected] == [3, 4]
    assert rejected[0].reasons == [
        "occurred_at: '31/02/2022 10:00' is not a date and time "
        "(write YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM)"
    ]
    assert "'burglary' is not one of its codes" in rejected[1].reasons[0]
    assert rejected[1].cells["crime_reference"] == "01/3/22"


def test_a_row_gets_every_reason_at_once():
    content = offences_csv(offence(offence_group="", victim_postcode="NOT A PC", outcome="caution"))
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert batch.rejected_rows.get().reasons == [
        "victim_postcode: 'NOT A PC' is not a UK postcode",
        "offence_group is required",
        "outcome_on is required when outcome is given",
    ]


def test_a_loaded_row_becomes_an_incident_with_its_victim_recorded_by_the_supplier():
    supplier = police()
    batch = run_import(
        actor=analyst(),
        supplied_by=supplier,
        content=offences_csv(offence(outcome="charge_summons", outcome_on="2022-06-02")),
    )
    incident = Incident.objects.get()
    assert (incident.reference, incident.category, incident.domestic_abuse) == (
        "01/1/22",
        "violence_with_injury",
        True,
    )
    assert (incident.outcome, str(incident.outcome_on)) == ("charge_summons", "2022-06-02")
    assert incident.loaded_row.batch == batch and incident.loaded_row.line_number == 2
    victim = incident.victim
    assert (str(victim), str(victim.date_of_birth), victim.sex) == (
        "Amira Hussain",
        "1991-03-08",
        "female",
    )
    assert victim.recorded_by_agency == supplier
    assert victim.addresses.get().postcode == "SE15 4QT"


def test_the_same_person_twice_in_a_batch_is_one_person():
    content = offences_csv(offence("01/1/22"), offence("01/2/22"))
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert batch.people_created == 1
    assert Incident.objects.values("victim").distinct().count() == 1


def test_a_subject_with_a_known_identifier_is_that_person():
    existing = PersonFactory(name=("Kyle", "Bennett"))
    Identifier.objects.create(person=existing, scheme="pnc", value="2021/0112233P")
    supplier = AgencyFactory(kind="police")
    batch = run_import(
        actor=analyst(),
        supplied_by=supplier,
        content=example("police-custody"),
        kind="police-custody",
    )
    assert (batch.people_matched, batch.people_created) == (1, 1)
    kyle = PartnerEvent.objects.get(reference="C22/004530")
    assert kyle.person == existing
    assert kyle.details["disposal"] == "out_of_court_disposal"
    assert "given_name" not in kyle.details and "pnc_id" not in kyle.details


def test_reimporting_the_same_file_is_refused_and_changes_nothing():
    actor, supplier = analyst(), police()
    content = offences_csv(offence("01/1/22"), offence("01/2/22", offence_group="x"))
    first = run_import(actor=actor, supplied_by=supplier, content=content)
    before = table_counts()
    with pytest.raises(ApplicationError, match=f"imported already, as batch {first.pk}"):
        run_import(actor=actor, supplied_by=supplier, content=content)
    assert table_counts() == before
    assert ImportBatch.objects.count() == 1


def test_rows_an_earlier_batch_loaded_are_unchanged_and_new_ones_load():
    actor, supplier = analyst(), police()
    run_import(actor=actor, supplied_by=supplier, content=offences_csv(offence("01/1/22")))
    batch = run_import(
        actor=actor,
        supplied_by=supplier,
        content=offences_csv(offence("01/1/22"), offence("01/2/22")),
    )
    assert (batch.rows_read, batch.rows_unchanged, batch.rows_loaded) == (2, 1, 1)
    assert Incident.objects.count() == 2


def test_a_later_extract_with_an_offences_outcome_updates_it_and_remembers_the_batch():
    actor, supplier = analyst(), police()
    first = run_import(
        actor=actor,
        supplied_by=supplier,
        content=offences_csv(
            offence("01/1/22", outcome="under_investigation", outcome_on="2022-05-15")
        ),
    )
    later = run_import(
        actor=actor,
        supplied_by=supplier,
        content=offences_csv(offence("01/1/22", outcome="charge_summons", outcome_on="2022-06-02")),
    )
    assert (later.rows_updated, later.rows_loaded, later.rows_rejected) == (1, 0, 0)
    incident = Incident.objects.get()
    assert (incident.outcome, str(incident.outcome_on)) == ("charge_summons", "2022-06-02")
    loaded = incident.loaded_row
    assert (loaded.batch, loaded.updated_by, loaded.updated_line) == (first, later, 2)
    entry = AuditEvent.objects.get(object_id=str(later.pk), summary__startswith="Loaded")
    assert entry.changes["updated"] == 1


def test_a_loaded_row_sent_again_with_other_values_is_rejected_not_applied():
    actor, supplier = analyst(), police()
    first = run_import(actor=actor, supplied_by=supplier, content=offences_csv(offence("01/1/22")))
    batch = run_import(
        actor=actor,
        supplied_by=supplier,
        content=offences_csv(offence("01/1/22", offence_group="other")),
    )
    assert batch.rows_rejected == 1
    assert (
        f"was loaded by batch {first.pk} (line 2) with other values"
        in (batch.rejected_rows.get().reasons[0])
    )
    assert Incident.objects.get().category == "violence_with_injury"


def test_a_reference_repeated_within_the_file_is_rejected_on_its_second_line():
    content = offences_csv(offence("01/1/22"), offence("01/1/22", offence_group="other"))
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert batch.rejected_rows.get().reasons == ["crime_reference 01/1/22 is on line 2 already"]


def test_a_failure_while_loading_leaves_the_database_as_it_was(monkeypatch):
    before = table_counts()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("casebridge.imports.loading.next_ids", broken)
    batch = run_import(
        actor=analyst(),
        supplied_by=AgencyFactory(kind="council"),
        content=example("school-exclusions"),
        kind="school-exclusions",
    )
    assert batch.status == Status.FAILED
    assert batch.error == "The rows could not be loaded, so none were: disk full"
    assert table_counts() == before


def test_a_failed_batch_can_be_imported_again_once_fixed(monkeypatch):
    actor, supplier = analyst(), police()
    bad = offences_csv(offence(), header="nonsense,header")
    assert run_import(actor=actor, supplied_by=supplier, content=bad).status == Status.FAILED
    good = run_import(actor=actor, supplied_by=supplier, content=offences_csv(offence()))
    assert good.status == Status.LOADED


def test_the_supplier_must_be_the_kind_of_agency_the_format_comes_from():
    with pytest.raises(ApplicationError, match="come from a police agency"):
        run_import(actor=analyst(), supplied_by=AgencyFactory(kind="health"), content=b"x")


def test_only_analysts_import():
    with pytest.raises(AccessDenied):
        run_import(actor=UserFactory(), supplied_by=police(), content=offences_csv(offence()))
    assert not ImportBatch.objects.exists()


def test_the_file_is_deleted_once_read(settings):
    batch = run_import(actor=analyst(), supplied_by=police(), content=offences_csv(offence()))
    assert batch.status == Status.LOADED
    assert list(settings.CASEBRIDGE_IMPORT_DIR.iterdir()) == []


def test_a_load_is_audited_once_with_its_counts():
    batch = run_import(actor=analyst(), supplied_by=police(), content=offences_csv(offence()))
    entry = AuditEvent.objects.get(object_type="import_batch", summary__startswith="Loaded")
    assert entry.object_id == str(batch.pk)
    assert entry.changes["loaded"] == 1
    assert "Hussain" not in entry.summary


def test_people_named_in_an_import_are_the_suppliers_records():
    supplier = police()
    run_import(actor=analyst(), supplied_by=supplier, content=offences_csv(offence()))
    assert set(Person.objects.values_list("recorded_by_agency", flat=True)) == {supplier.pk}


def test_a_known_identifier_of_a_merged_record_resolves_to_the_surviving_record():
    survivor = PersonFactory(name=("Kyle", "Bennett"))
    merged = PersonFactory(name=("Kyle", "Benett"), merged_into=survivor)
    Identifier.objects.create(person=merged, scheme="pnc", value="2021/0112233P")
    run_import(
        actor=analyst(),
        supplied_by=AgencyFactory(kind="police"),
        content=example("police-custody"),
        kind="police-custody",
    )
    assert PartnerEvent.objects.get(reference="C22/004530").person == survivor


SERIOUS_VIOLENCE = (
    HEADER + ",weapon,firearm_discharged,kidnapping,injury,gang_related,ward,outside_borough"
)


def stabbing(reference: str, **changes: str) -> str:
    """A gang-related stabbing of a 17-year-old: it meets the SIRM criteria."""
    details = {"weapon": "knife", "firearm_discharged": "N", "kidnapping": "N"}
    details |= {"injury": "serious", "gang_related": "Y", "ward": "Peckham", "outside_borough": "N"}
    row = offence(reference, victim_date_of_birth="2005-02-19", victim_given_name=reference)
    return ",".join([row, *(details | changes).values()])


def test_an_imported_offence_meeting_the_sirm_criteria_is_proposed_as_it_loads():
    content = offences_csv(
        stabbing("01/1/22"), stabbing("01/2/22", gang_related="N"), header=SERIOUS_VIOLENCE
    )

    batch = run_import(actor=analyst(), supplied_by=police(), content=content)

    assert (batch.status, batch.rows_loaded) == (Status.LOADED, 2)
    incident = Incident.objects.get(reference="01/1/22")
    assert (incident.weapon, incident.injury, incident.gang_related, incident.ward) == (
        "knife",
        "serious",
        True,
        "Peckham",
    )
    assert list(SirmProposal.objects.values_list("incident__reference", flat=True)) == ["01/1/22"]


def test_an_import_that_fails_proposes_nothing(monkeypatch):
    from casebridge.imports import loading

    real_insert = loading.insert_columns

    def fail_after_the_proposals(model, columns):
        if model is LoadedRow:
            raise RuntimeError("disk full")
        real_insert(model, columns)

    monkeypatch.setattr(loading, "insert_columns", fail_after_the_proposals)
    content = offences_csv(stabbing("01/1/22"), header=SERIOUS_VIOLENCE)

    batch = run_import(actor=analyst(), supplied_by=police(), content=content)

    assert batch.status == Status.FAILED
    assert not SirmProposal.objects.exists() and not Incident.objects.exists()


def test_a_discharged_firearm_row_must_name_a_firearm():
    content = offences_csv(stabbing("01/1/22", firearm_discharged="Y"), header=SERIOUS_VIOLENCE)

    batch = run_import(actor=analyst(), supplied_by=police(), content=content)

    assert batch.rejected_rows.get().reasons == [
        "firearm_discharged is given but weapon is not firearm"
    ]


SUSPECT = (
    ",suspect_given_name,suspect_family_name,suspect_date_of_birth,suspect_sex,suspect_postcode"
    ",suspect_pnc_id"
)


def test_a_batch_knows_the_people_it_recorded_and_not_those_it_found():
    known = PersonFactory(name=("Kyle", "Bennett"))
    Identifier.objects.create(person=known, scheme="pnc", value="2021/0112233P")
    content = offences_csv(
        # Amira is named twice, once as the victim and once as a suspect: one person.
        offence("01/1/22") + ",Dean,Price,1988-02-01,M,,",
        offence("01/2/22", victim_given_name="Lena") + ",Amira,Hussain,1991-03-08,F,SE15 4QT,",
        offence("01/3/22", victim_given_name="Lena") + ",Kyle,Bennett,,M,,2021/0112233P",
        offence("01/4/22", victim_given_name="Rosa") + ",,,,,,",
        header=HEADER + SUSPECT,
    )
    supplier = police()
    batch = run_import(actor=analyst(), supplied_by=supplier, content=content)
    other = run_import(
        actor=analyst(), supplied_by=supplier, content=offences_csv(offence("02/1/22"))
    )

    recorded = {p.primary_name.given_name: p.pk for p in batch_people(batch)}
    assert sorted(recorded) == ["Amira", "Dean", "Lena", "Rosa"]
    assert batch.people_created == len(recorded)
    (amira_again,) = batch_people(other)
    assert amira_again.pk != recorded["Amira"]
    found = sorted(person_batches([*recorded.values(), known.pk, amira_again.pk]))
    assert found == sorted(
        [(pk, batch.pk) for pk in recorded.values()] + [(amira_again.pk, other.pk)]
    )
    assert set(Person.objects.filter(recorded_by_a_batch()).values_list("pk", flat=True)) == {
        *recorded.values(),
        amira_again.pk,
    }


def test_who_is_the_same_person_within_a_batch():
    rows = [
        offence("01/1/22"),
        # The same name however it is written: one person.
        offence("01/2/22", victim_given_name="AMIRA", victim_family_name="hussain"),
        offence("01/3/22", victim_given_name="Amíra", victim_family_name="Hus-sain"),
        # Anything else identifying that differs: another person each.
        offence("01/4/22", victim_date_of_birth="1991-03-09"),
        offence("01/5/22", victim_date_of_birth=""),
        offence("01/6/22", victim_sex="M"),
        offence("01/7/22", victim_sex=""),
        offence("01/8/22", victim_postcode="SE15 4QU"),
        offence("01/9/22", victim_postcode=""),
        offence("02/1/22", victim_given_name="Amir"),
        offence("02/2/22", victim_family_name="Hussein"),
    ]
    # A suspect's identifier makes them one person whatever their names say.
    suspects = [",Dean,Price,,,,2019/0123456A", ",Deano,Pryce,1988-02-01,M,,2019/0123456A"]
    suspects += [",,,,,,"] * (len(rows) - 2)
    content = offences_csv(
        *(row + suspect for row, suspect in zip(rows, suspects, strict=True)),
        header=HEADER + SUSPECT,
    )
    batch = run_import(actor=analyst(), supplied_by=police(), content=content)
    assert (batch.rows_loaded, batch.rows_rejected) == (len(rows), 0)
    assert batch.people_created == 9 + 1
    victims = Incident.objects.order_by("reference").values_list("victim_id", flat=True)
    assert len(set(victims[:3])) == 1
    assert len(set(Incident.objects.values_list("suspect_id", flat=True)) - {None}) == 1
