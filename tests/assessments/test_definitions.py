"""Instrument files: licensed overrides, loading into the database, the start-up check."""

import copy
from io import StringIO

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command

from casebridge.assessments.checks import instruments_are_valid
from casebridge.assessments.definitions import load_instruments, read_instruments
from casebridge.assessments.engine import INSTRUMENTS_DIR
from casebridge.assessments.models import Instrument
from tests.assessments.factories import AssessmentFactory

SHIPPED = yaml.safe_load((INSTRUMENTS_DIR / "da-risk-checklist.yaml").read_text())
LICENSED_TEXT = "LICENSED WORDING: has the current incident resulted in injury?"
# Other instruments ship too; these tests are about the checklist's versions and wording.
CHECKLIST = Instrument.objects.filter(code="da-risk-checklist")


def checklists(read: list) -> list:
    return [instrument for instrument in read if instrument.definition["code"] == SHIPPED["code"]]


def licensed(**changes) -> dict:
    definition = copy.deepcopy(SHIPPED) | changes
    definition["questions"][0]["text"] = LICENSED_TEXT
    definition["licence"] = "Licensed to the partnership by the copyright holder."
    return definition


def write(directory, name, definition) -> None:
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(yaml.safe_dump(definition))


def test_a_licensed_file_with_the_same_code_and_version_replaces_the_shipped_wording(tmp_path):
    write(tmp_path, "dash.yaml", licensed())
    (chosen,) = checklists(read_instruments([INSTRUMENTS_DIR, tmp_path]))
    assert chosen.path == tmp_path / "dash.yaml"
    assert chosen.definition["questions"][0]["text"] == LICENSED_TEXT


def test_the_later_of_two_configured_directories_wins(tmp_path):
    write(tmp_path / "a", "dash.yaml", licensed())
    write(tmp_path / "b", "dash.yaml", licensed(name="Partnership B's wording"))
    (chosen,) = checklists(read_instruments([INSTRUMENTS_DIR, tmp_path / "a", tmp_path / "b"]))
    assert chosen.definition["name"] == "Partnership B's wording"


@pytest.mark.django_db
def test_the_setting_names_the_directories_and_sync_loads_the_licensed_wording(tmp_path, settings):
    write(tmp_path, "dash.yaml", licensed())
    settings.CASEBRIDGE_INSTRUMENT_DIRS = [str(tmp_path)]
    out = StringIO()
    call_command("sync_definitions", stdout=out)
    assert "instrument version(s)" in out.getvalue()
    instrument = Instrument.objects.get(code="da-risk-checklist", version=1)
    assert instrument.questions[0]["text"] == LICENSED_TEXT
    assert instrument.is_current


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    first = load_instruments()
    second = load_instruments()
    assert [i.pk for i in first] == [i.pk for i in second]
    assert CHECKLIST.count() == 1
    assert CHECKLIST.get().is_current


@pytest.mark.django_db
def test_a_new_version_becomes_current_and_the_old_one_stays(tmp_path):
    load_instruments()
    write(tmp_path, "dash-v2.yaml", copy.deepcopy(SHIPPED) | {"version": 2})
    load_instruments([INSTRUMENTS_DIR, tmp_path])
    assert list(CHECKLIST.values_list("version", "is_current")) == [(2, True), (1, False)]


@pytest.mark.django_db
def test_a_version_in_use_may_change_its_wording_but_not_its_questions(tmp_path):
    load_instruments()
    AssessmentFactory()
    write(tmp_path, "dash.yaml", licensed())
    load_instruments([INSTRUMENTS_DIR, tmp_path])
    assert CHECKLIST.get().questions[0]["text"] == LICENSED_TEXT

    changed = licensed()
    changed["bands"][2]["min"], changed["bands"][1]["max"] = 15, 14
    write(tmp_path, "dash.yaml", changed)
    with pytest.raises(
        ValidationError, match="assessments already use da-risk-checklist version 1"
    ):
        load_instruments([INSTRUMENTS_DIR, tmp_path])
    assert CHECKLIST.get().bands[2]["min"] == 14


def test_two_files_in_one_directory_with_the_same_version_are_refused(tmp_path):
    write(tmp_path, "one.yaml", licensed())
    write(tmp_path, "two.yaml", licensed())
    with pytest.raises(ValidationError, match=r"version 1 is also defined in one\.yaml"):
        read_instruments([tmp_path])


def test_a_configured_directory_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="instrument directory does not exist"):
        read_instruments([INSTRUMENTS_DIR, tmp_path / "missing"])


def test_the_start_up_check_reports_a_bad_file_in_a_configured_directory(tmp_path, settings):
    assert instruments_are_valid(None) == []
    broken = licensed()
    broken["questions"][1]["code"] = broken["questions"][0]["code"]
    write(tmp_path, "dash.yaml", broken)
    settings.CASEBRIDGE_INSTRUMENT_DIRS = [str(tmp_path)]
    (error,) = instruments_are_valid(None)
    assert error.id == "assessments.E001"
    assert "dash.yaml: question codes repeat: current_injury" in error.msg


def test_the_start_up_check_reports_a_file_that_is_not_yaml(tmp_path, settings):
    (tmp_path / "bad.yaml").write_text("code: [unclosed")
    settings.CASEBRIDGE_INSTRUMENT_DIRS = [str(tmp_path)]
    (error,) = instruments_are_valid(None)
    assert "bad.yaml: not valid YAML" in error.msg
