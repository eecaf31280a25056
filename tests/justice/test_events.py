"""Which justice events a record is, as events.yaml maps them, and the file's checks."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.core.exceptions import ValidationError

from casebridge.justice.checks import event_definitions_are_valid
from casebridge.justice.events import (
    DEFINITIONS,
    contact_events,
    event_definitions,
    incident_events,
    parse_definitions,
    partner_event_events,
)

LONDON = ZoneInfo("Europe/London")
PERSON = uuid.uuid4()


def court_outcome(verdict: str, sentence: str) -> list[tuple[str, str, date, date | None]]:
    details = {
        "case_reference": "01YY0001/1",
        "offence_on": "2022-01-10",
        "outcome_on": "2022-05-03",
        "court": "magistrates",
        "verdict": verdict,
        "sentence": sentence,
    }
    events = partner_event_events(
        pk=7, kind="court-outcomes", occurred_on=date(2022, 5, 3), person_id=PERSON, details=details
    )
    return sorted((e.kind, e.detail, e.occurred_on, e.offence_on) for e in events)


def kinds(events) -> list[str]:
    return sorted(event.kind for event in events)


def test_a_conviction_with_custody_is_a_custodial_conviction_and_an_appearance():
    assert court_outcome("convicted", "custody") == [
        ("conviction_custody", "custody", date(2022, 5, 3), date(2022, 1, 10)),
        ("court_appearance", "custody", date(2022, 5, 3), date(2022, 1, 10)),
    ]


def test_a_community_order_is_a_non_custodial_conviction():
    assert [kind for kind, *_ in court_outcome("convicted", "community_order")] == [
        "conviction_non_custodial",
        "court_appearance",
    ]


def test_an_acquittal_is_only_an_appearance():
    assert [kind for kind, *_ in court_outcome("acquitted", "")] == ["court_appearance"]


def test_the_event_id_names_the_source_record_and_the_kind():
    details = {"custody_reference": "C1", "detained_at": "2022-04-01T23:30:00+01:00"}
    (event,) = partner_event_events(
        pk=12,
        kind="police-custody",
        occurred_on=date(2022, 4, 1),
        person_id=PERSON,
        details=details | {"disposal": "released_under_investigation"},
    )
    assert (event.event_id, event.source, event.kind) == (
        "partner_event:12:arrest",
        "partner_event",
        "arrest",
    )
    assert event.detail == "released_under_investigation"


def test_a_custody_record_charged_is_an_arrest_and_a_charge():
    events = partner_event_events(
        pk=1,
        kind="police-custody",
        occurred_on=date(2022, 4, 1),
        person_id=PERSON,
        details={"disposal": "charged", "detained_at": "2022-04-01T10:00:00+01:00"},
    )
    assert kinds(events) == ["arrest", "charge"]


def test_probation_releases_are_custody_releases_and_other_events_are_nothing():
    def probation(event: str) -> list[str]:
        return kinds(
            partner_event_events(
                pk=1,
                kind="probation-events",
                occurred_on=date(2022, 6, 1),
                person_id=PERSON,
                details={"event": event, "event_on": "2022-06-01"},
            )
        )

    assert probation("licence_started") == ["custody_release"]
    assert probation("released_unsupervised") == ["custody_release"]
    assert probation("breach") == []


def test_an_event_of_another_import_format_is_no_justice_event():
    events = partner_event_events(
        pk=1,
        kind="school-exclusions",
        occurred_on=date(2022, 6, 1),
        person_id=PERSON,
        details={"disposal": "charged"},
    )
    assert list(events) == []


def test_an_event_without_a_person_is_skipped():
    events = partner_event_events(
        pk=1,
        kind="police-custody",
        occurred_on=date(2022, 4, 1),
        person_id=None,
        details={"disposal": "charged"},
    )
    assert list(events) == []


def incident(*, suspect_id=PERSON, outcome="", outcome_on=None, occurred_at=None):
    return list(
        incident_events(
            pk=uuid.UUID(int=1),
            suspect_id=suspect_id,
            category="violence_with_injury",
            domestic_abuse=True,
            occurred_at=occurred_at or datetime(2022, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")),
            outcome=outcome,
            outcome_on=outcome_on,
        )
    )


def test_a_caution_on_an_offence_gives_the_offence_and_the_caution():
    caution, offence = sorted(
        incident(outcome="caution", outcome_on=date(2022, 5, 2)), key=lambda e: e.kind
    )
    # 23:30 UTC on 31 March is 00:30 on 1 April in London.
    assert (caution.kind, caution.occurred_on, caution.offence_on) == (
        "caution",
        date(2022, 5, 2),
        date(2022, 4, 1),
    )
    assert (offence.kind, offence.occurred_on, offence.offence_on) == (
        "recorded_offence",
        date(2022, 4, 1),
        date(2022, 4, 1),
    )
    assert caution.event_id == f"incident:{uuid.UUID(int=1)}:caution"


def test_an_offence_charged_is_only_a_recorded_offence():
    assert kinds(incident(outcome="charge_summons", outcome_on=date(2022, 5, 2))) == [
        "recorded_offence"
    ]


def test_an_incident_without_a_suspect_gives_nothing():
    assert incident(suspect_id=None, outcome="caution", outcome_on=date(2022, 5, 2)) == []


def contact(stage: str, outcome: str = "") -> list[tuple[str, date | None]]:
    events = contact_events(
        pk=3,
        subject_id=PERSON,
        stage=stage,
        outcome=outcome,
        occurred_on=date(2022, 7, 1),
        offence_on=date(2022, 6, 20),
    )
    return sorted((event.kind, event.offence_on) for event in events)


def test_contacts_map_stage_and_outcome_to_their_kinds():
    assert contact("custody") == [("arrest", date(2022, 6, 20))]
    assert contact("charge") == [("charge", date(2022, 6, 20))]
    assert [kind for kind, _ in contact("out_of_court_disposal", "conditional_caution")] == [
        "caution",
        "out_of_court_disposal",
    ]
    assert [kind for kind, _ in contact("out_of_court_disposal", "community_resolution")] == [
        "out_of_court_disposal"
    ]
    assert contact("sentence", "suspended_sentence")[0][0] == "conviction_non_custodial"
    assert contact("sentence", "custody")[0][0] == "conviction_custody"
    assert contact("release", "on_licence")[0][0] == "custody_release"


def test_the_kinds_say_which_are_proven_and_which_are_index_events():
    kinds_ = event_definitions().kinds
    assert {code for code, kind in kinds_.items() if kind.proven} == {
        "caution",
        "conviction_custody",
        "conviction_non_custodial",
    }
    assert {code for code, kind in kinds_.items() if kind.index} == {
        "caution",
        "conviction_non_custodial",
        "custody_release",
    }


def shipped() -> dict:
    return yaml.safe_load(DEFINITIONS.read_text())


def test_a_kind_declared_twice_is_refused():
    definition = shipped()
    definition["kinds"].append({"code": "arrest", "label": "Again"})
    with pytest.raises(ValidationError, match="a kind is declared twice"):
        parse_definitions(definition, source="events.yaml")


def test_a_rule_naming_an_unknown_kind_is_refused():
    definition = shipped()
    definition["justice_contacts"].append({"kind": "arrested"})
    with pytest.raises(ValidationError, match="justice_contacts: no kind 'arrested'"):
        parse_definitions(definition, source="events.yaml")


def test_a_rule_naming_an_unknown_import_format_is_refused():
    definition = shipped()
    definition["partner_events"].append({"kind": "arrest", "format": "police-arrests"})
    with pytest.raises(ValidationError, match="no import format 'police-arrests'"):
        parse_definitions(definition, source="events.yaml")


def test_a_rule_testing_a_code_its_column_does_not_have_is_refused():
    definition = shipped()
    definition["partner_events"].append(
        {"kind": "charge", "format": "police-custody", "where": {"disposal": "charge"}}
    )
    with pytest.raises(ValidationError, match="disposal has no code charge"):
        parse_definitions(definition, source="events.yaml")


def test_the_shipped_definitions_pass_the_system_check():
    assert event_definitions_are_valid(None) == []


def test_a_rule_dating_events_by_a_column_its_format_lacks_is_refused():
    definition = shipped()
    definition["partner_events"].append(
        {"kind": "arrest", "format": "police-custody", "day": "arrested_at"}
    )
    with pytest.raises(ValidationError, match="day names no column 'arrested_at'"):
        parse_definitions(definition, source="events.yaml")
