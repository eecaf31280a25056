"""The snapshot's justice events and casework tables, as the reoffending figures read them."""

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casebridge.analytics.records import record_kind, rows_for
from casebridge.analytics.snapshot import take_snapshot
from casebridge.analytics.tables import DERIVED_TABLES, TABLES
from casebridge.imports.models import PartnerEvent
from casebridge.incidents.models import Incident
from casebridge.justice.models import JusticeContact
from tests.analytics.fixtures import at, court_outcome, pathway_case, table
from tests.casework.factories import (
    IomCaseFactory,
    NeedFactory,
    ServiceReferralFactory,
    TierAssignmentFactory,
)
from tests.factories import AgencyFactory, PersonFactory, UserFactory, role
from tests.justice.factories import JusticeContactFactory

pytestmark = pytest.mark.django_db


def events(directory, **match):
    rows = table(directory, "justice_events")
    return [row for row in rows if all(row[k] == v for k, v in match.items())]


def test_justice_events_have_the_contracted_columns_and_types(tmp_path):
    take_snapshot(directory=tmp_path)
    assert pq.read_schema(tmp_path / "justice_events.parquet") == pa.schema(
        [
            ("event_id", pa.string()),
            ("person_id", pa.string()),
            ("kind", pa.string()),
            ("source", pa.string()),
            ("detail", pa.string()),
            ("offence_on", pa.date32()),
            ("occurred_on", pa.date32()),
            ("age", pa.int32()),
            ("sex", pa.string()),
            ("is_proven", pa.bool_()),
            ("is_index", pa.bool_()),
        ]
    )


def test_a_custodial_conviction_is_proven_but_no_index_event(tmp_path):
    person = PersonFactory(date_of_birth=date(2000, 1, 1), sex="male")
    event = court_outcome(person, date(2022, 5, 3), offence_on=date(2022, 1, 10))
    take_snapshot(directory=tmp_path)
    (row,) = events(tmp_path, kind="conviction_custody")
    assert row == {
        "event_id": f"partner_event:{event.pk}:conviction_custody",
        "person_id": str(person.pk),
        "kind": "conviction_custody",
        "source": "partner_event",
        "detail": "custody",
        "offence_on": date(2022, 1, 10),
        "occurred_on": date(2022, 5, 3),
        "age": 22,
        "sex": "male",
        "is_proven": True,
        "is_index": False,
    }


def test_a_community_order_is_an_index_event(tmp_path):
    court_outcome(PersonFactory(), date(2022, 5, 3), sentence="community_order")
    take_snapshot(directory=tmp_path)
    (row,) = events(tmp_path, kind="conviction_non_custodial")
    assert (row["is_proven"], row["is_index"], row["detail"]) == (True, True, "community_order")


def test_a_cautioned_offence_is_the_suspects_offence_and_caution(tmp_path):
    suspect = PersonFactory()
    Incident.objects.create(
        reporting_agency=AgencyFactory(),
        reference="INC1",
        category="other",
        occurred_at=at(2022, 4, 1, 0, 30),
        suspect=suspect,
        victim=PersonFactory(),
        outcome="caution",
        outcome_on=date(2022, 4, 20),
    )
    Incident.objects.create(  # no suspect identified: no one's event
        reporting_agency=AgencyFactory(),
        reference="INC2",
        category="other",
        occurred_at=at(2022, 4, 2),
    )
    take_snapshot(directory=tmp_path)
    rows = sorted(table(tmp_path, "justice_events"), key=lambda row: row["kind"])
    assert [(r["kind"], r["person_id"], r["occurred_on"]) for r in rows] == [
        ("caution", str(suspect.pk), date(2022, 4, 20)),
        ("recorded_offence", str(suspect.pk), date(2022, 4, 1)),
    ]


def test_a_contact_is_the_case_subjects_event(tmp_path):
    contact = JusticeContactFactory(
        stage=JusticeContact.Stage.RELEASE, outcome="on_licence", occurred_on=date(2022, 6, 1)
    )
    take_snapshot(directory=tmp_path)
    (row,) = table(tmp_path, "justice_events")
    assert (row["kind"], row["source"], row["person_id"], row["is_index"]) == (
        "custody_release",
        "justice_contact",
        str(contact.case.subject_id),
        True,
    )


def test_an_event_on_a_merged_record_is_the_surviving_persons(tmp_path):
    survivor = PersonFactory(date_of_birth=date(1990, 6, 1), sex="female")
    duplicate = PersonFactory(date_of_birth=None, sex="not_known", merged_into=survivor)
    court_outcome(duplicate, date(2022, 5, 31))
    NeedFactory(case=IomCaseFactory(subject=duplicate))
    take_snapshot(directory=tmp_path)
    (row,) = events(tmp_path, kind="conviction_custody")
    assert (row["person_id"], row["age"], row["sex"]) == (str(survivor.pk), 31, "female")
    (cases,) = table(tmp_path, "cases")
    assert (cases["subject_id"], cases["person_id"]) == (str(duplicate.pk), str(survivor.pk))
    (need,) = table(tmp_path, "case_needs")
    assert need["person_id"] == str(survivor.pk)


def test_age_is_whole_years_on_the_day_a_birthday_the_day_after_not_yet_counted(tmp_path):
    court_outcome(PersonFactory(date_of_birth=date(2005, 5, 4)), date(2022, 5, 3))
    court_outcome(PersonFactory(date_of_birth=date(2005, 5, 3)), date(2022, 5, 3))
    court_outcome(PersonFactory(date_of_birth=None), date(2022, 5, 3))
    take_snapshot(directory=tmp_path)
    ages = sorted(
        (row["age"] for row in events(tmp_path, kind="conviction_custody")),
        key=lambda age: -1 if age is None else age,
    )
    assert ages == [None, 16, 17]


def test_the_first_proven_offence_is_the_earliest_caution_or_conviction(tmp_path):
    person = PersonFactory(date_of_birth=date(2007, 1, 1))
    JusticeContactFactory(case__subject=person, stage="arrest", occurred_on=date(2021, 1, 1))
    first = court_outcome(person, date(2022, 3, 1), sentence="referral_order")
    court_outcome(person, date(2022, 9, 1))
    take_snapshot(directory=tmp_path)
    (row,) = table(tmp_path, "first_proven_offences")
    assert row == {
        "person_id": str(person.pk),
        "event_id": f"partner_event:{first.pk}:conviction_non_custodial",
        "kind": "conviction_non_custodial",
        "occurred_on": date(2022, 3, 1),
        "offence_on": date(2022, 3, 1),
        "age": 15,
        "sex": "female",
    }


def test_a_tier_is_left_for_the_next_one_or_when_the_case_closes(tmp_path):
    case = pathway_case("iom", at(2022, 4, 1), ("statutory", at(2022, 4, 2)))
    TierAssignmentFactory(case=case, tier="red", assigned_on=date(2022, 4, 2))
    TierAssignmentFactory(case=case, tier="amber", assigned_on=date(2022, 5, 10))
    closed = pathway_case(
        "iom", at(2022, 4, 1), ("statutory", at(2022, 4, 2)), ("removed", at(2022, 6, 30, 23, 30))
    )
    TierAssignmentFactory(case=closed, tier="green", assigned_on=date(2022, 4, 2))
    take_snapshot(directory=tmp_path)
    rows = {(row["case_id"], row["tier"]): row for row in table(tmp_path, "case_tiers")}
    assert rows[str(case.pk), "red"]["left_on"] == date(2022, 5, 10)
    assert rows[str(case.pk), "amber"]["left_on"] is None  # current
    assert rows[str(closed.pk), "green"]["left_on"] == date(2022, 6, 30)  # London day
    assert rows[str(case.pk), "red"]["entered_on"] == date(2022, 4, 2)


def test_needs_referrals_and_completed_elements_carry_their_case_and_person(tmp_path):
    case = IomCaseFactory()
    NeedFactory(case=case, outcome="housed", outcome_on=date(2022, 6, 1))
    ServiceReferralFactory(
        case=case,
        started_on=date(2022, 4, 2),
        ended_on=date(2022, 6, 1),
        completed=True,
        elements_completed=["fitness_course", "mentoring"],
    )
    take_snapshot(directory=tmp_path)
    (need,) = table(tmp_path, "case_needs")
    assert (need["case_id"], need["person_id"], need["area"], need["outcome"]) == (
        str(case.pk),
        str(case.subject_id),
        "accommodation",
        "housed",
    )
    (referral,) = table(tmp_path, "service_referrals")
    assert (referral["pathway"], referral["completed"], referral["ended_on"]) == (
        "iom",
        True,
        date(2022, 6, 1),
    )
    elements = table(tmp_path, "service_elements")
    assert [(e["element"], e["ended_on"]) for e in elements] == [
        ("fitness_course", date(2022, 6, 1)),
        ("mentoring", date(2022, 6, 1)),
    ]


def test_a_case_start_finds_the_earliest_justice_event_in_the_year_up_to_it(tmp_path):
    case = pathway_case("womens-whole-system", at(2022, 5, 1), ("supported", at(2022, 5, 3)))
    person = case.subject
    JusticeContactFactory(case=case, stage="arrest", occurred_on=date(2021, 5, 3))  # 365 days
    JusticeContactFactory(case=case, stage="charge", occurred_on=date(2021, 5, 4))  # 364 days
    JusticeContactFactory(case=case, stage="court", occurred_on=date(2022, 5, 4))  # after
    pathway_case("womens-whole-system", at(2022, 5, 1))  # still referred: no start
    take_snapshot(directory=tmp_path)
    (start,) = table(tmp_path, "case_starts")
    assert start == {
        "case_id": str(case.pk),
        "pathway": "womens-whole-system",
        "person_id": str(person.pk),
        "started_on": date(2022, 5, 3),
        "first_justice_on": date(2021, 5, 4),
        "days_from_justice": 364,
    }


def test_a_case_closed_without_support_has_no_start(tmp_path):
    pathway_case("womens-whole-system", at(2022, 5, 1), ("not_engaged", at(2022, 5, 3)))
    take_snapshot(directory=tmp_path)
    assert table(tmp_path, "case_starts") == []


def test_a_case_start_with_no_justice_event_in_the_year_has_none(tmp_path):
    pathway_case("iom", at(2022, 5, 1), ("non_statutory", at(2022, 5, 3)))
    take_snapshot(directory=tmp_path)
    (start,) = table(tmp_path, "case_starts")
    assert (start["first_justice_on"], start["days_from_justice"]) == (None, None)


def test_no_name_reaches_a_snapshot_file(tmp_path):
    person = PersonFactory(name=("Zebedee", "Quixotic"))
    court_outcome(person, date(2022, 5, 3))
    case = IomCaseFactory(subject=person)
    NeedFactory(case=case, support="Zebedee Quixotic needs a flat")
    JusticeContactFactory(case=case, notes="Quixotic arrested", stage="arrest")
    details = PartnerEvent.objects.get().details
    assert "Quixotic" not in str(details)  # the loader leaves names out; so must the snapshot
    take_snapshot(directory=tmp_path)
    for name in [*TABLES, *DERIVED_TABLES]:
        raw = (tmp_path / f"{name}.parquet").read_bytes()
        assert b"Quixotic" not in raw and b"Zebedee" not in raw, name
        assert "Quixotic" not in str(table(tmp_path, name)), name


def test_drill_down_shows_justice_and_casework_only_to_who_may_see_them(tmp_path):
    probation = AgencyFactory(kind="probation")
    person = PersonFactory(recorded_by_agency=probation)
    court_outcome(person, date(2022, 5, 3))
    case = IomCaseFactory(subject=person, owner_agency=probation)
    officer = UserFactory(agency=probation, role=role("practitioner"))
    elsewhere = UserFactory(agency=AgencyFactory(kind="charity"), role=role("practitioner"))
    manager = UserFactory(agency=probation, role=role("manager"))  # figures, not records
    for table_name, ids in (
        ("justice_events", [person.pk]),
        ("first_proven_offences", [person.pk]),
        ("case_tiers", [case.pk]),
        ("case_needs", [case.pk]),
        ("service_referrals", [case.pk]),
        ("service_elements", [case.pk]),
        ("case_starts", [case.pk]),
    ):
        _, kind = record_kind(table_name)
        assert [str(r.pk) for r in kind.visible(officer, ids)] == [str(ids[0])], table_name
        assert list(kind.visible(elsewhere, ids)) == [], table_name
        assert list(kind.visible(manager, ids)) == [], table_name


def test_a_person_behind_a_justice_figure_is_listed_by_name_with_a_link_to_their_page():
    probation = AgencyFactory(kind="probation")
    person = PersonFactory(recorded_by_agency=probation, name=("Sam", "Okafor"))
    officer = UserFactory(agency=probation, role=role("practitioner"))
    _, kind = record_kind("justice_events")
    (row,) = rows_for(kind, list(kind.visible(officer, [person.pk])))
    assert (row.person, row.url) == ("Sam Okafor", f"/people/{person.pk}/")


def test_a_guessed_person_id_shows_nothing(tmp_path):
    _, kind = record_kind("justice_events")
    officer = UserFactory(role=role("practitioner"))
    someone = PersonFactory()  # recorded by another agency, on no case of the officer's
    assert list(kind.visible(officer, [someone.pk])) == []
