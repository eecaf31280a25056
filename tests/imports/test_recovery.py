"""After a restart no batch stays "checking rows" for ever and no uploaded file stays on disk:
a batch no live import is working on is failed, and its file deleted. A live import, in this
process or another, is left alone."""

import io
import subprocess
import sys

import pytest
from django.core.management import call_command

from casebridge.audit.models import AuditEvent
from casebridge.imports.claims import claim_new, take_over
from casebridge.imports.models import ImportBatch, RejectedRow
from casebridge.imports.recovery import INTERRUPTED, Recovery, batch_restart, imports_recover
from casebridge.imports.services import batch_file, import_run, import_start
from tests.imports.factories import analyst, offence, offences_csv, police, run_import

pytestmark = pytest.mark.django_db

# Another process importing the file: it holds it until told to stop, then ends.
LIVE_IMPORT = """
import fcntl, sys
held = open(sys.argv[1], "rb")
fcntl.flock(held, fcntl.LOCK_EX)
print("holding", flush=True)
sys.stdin.read()
"""


def started(status: ImportBatch.Status) -> ImportBatch:
    """A batch whose import got as far as ``status`` before its process ended."""
    batch = import_start(
        actor=analyst(),
        kind="police-offences",
        supplied_by=police(),
        file_name="offences.csv",
        content=io.BytesIO(offences_csv(offence())),
    )
    held = take_over(batch.pk)
    assert held is not None
    held.close()  # as the operating system does when the process ends
    ImportBatch.objects.filter(pk=batch.pk).update(status=status)
    return batch


def test_a_batch_a_restart_interrupted_is_failed_and_its_file_deleted(settings):
    batch = started(ImportBatch.Status.VALIDATING)
    assert batch_file(batch).exists()

    recovery = imports_recover()

    batch.refresh_from_db()
    assert recovery.failed == [batch.pk]
    assert (batch.status, batch.error) == (ImportBatch.Status.FAILED, INTERRUPTED)
    assert "interrupted by a restart" in batch.error
    assert list(settings.CASEBRIDGE_IMPORT_DIR.iterdir()) == []
    entry = AuditEvent.objects.get(object_id=str(batch.pk), summary__endswith="not loaded")
    assert entry.changes == {"error": INTERRUPTED}


def test_a_batch_interrupted_while_loading_is_failed_though_its_file_is_gone():
    batch = started(ImportBatch.Status.LOADING)
    batch_file(batch).unlink()
    assert imports_recover().failed == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED


def test_rejected_rows_kept_before_a_restart_stopped_the_check_are_deleted_with_it():
    batch = started(ImportBatch.Status.VALIDATING)
    RejectedRow.objects.create(batch=batch, line_number=2, cells={}, reasons=["x is required"])
    imports_recover()
    assert not batch.rejected_rows.exists()


def test_rejected_rows_of_a_batch_stopped_while_loading_are_kept_for_the_partner():
    batch = started(ImportBatch.Status.LOADING)
    RejectedRow.objects.create(batch=batch, line_number=2, cells={}, reasons=["x is required"])
    imports_recover()
    assert batch.rejected_rows.count() == 1


def test_a_batch_waiting_to_start_when_the_server_stopped_is_failed():
    batch = started(ImportBatch.Status.QUEUED)
    assert imports_recover().failed == [batch.pk]


def test_a_live_import_in_another_process_is_left_alone_until_that_process_ends(settings):
    batch = started(ImportBatch.Status.VALIDATING)
    live = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "-c", LIVE_IMPORT, str(batch_file(batch))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert live.stdout is not None and live.stdout.readline() == "holding\n"
        assert imports_recover().failed == []
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.VALIDATING
        assert batch_file(batch).exists()
    finally:
        assert live.stdin is not None
        live.stdin.close()
        live.wait(timeout=30)
    assert imports_recover().failed == [batch.pk]
    assert list(settings.CASEBRIDGE_IMPORT_DIR.iterdir()) == []


def test_a_batch_this_process_has_started_is_left_alone():
    batch = import_start(
        actor=analyst(),
        kind="police-offences",
        supplied_by=police(),
        file_name="offences.csv",
        content=io.BytesIO(offences_csv(offence())),
    )
    assert imports_recover().failed == []
    assert import_run(batch=batch).status == ImportBatch.Status.LOADED


def test_a_batch_failed_by_recovery_is_not_run_afterwards():
    batch = started(ImportBatch.Status.QUEUED)
    imports_recover()
    assert import_run(batch=batch).error == INTERRUPTED


def test_an_upload_cut_off_before_its_batch_was_recorded_is_deleted(settings):
    settings.CASEBRIDGE_IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    (settings.CASEBRIDGE_IMPORT_DIR / "upload-20261201090000000000").write_bytes(b"crime_ref")
    assert imports_recover().files_deleted == 1
    assert list(settings.CASEBRIDGE_IMPORT_DIR.iterdir()) == []


def test_an_upload_still_being_written_is_left_alone(settings):
    path, held = claim_new(settings.CASEBRIDGE_IMPORT_DIR, "upload-")
    with held:
        held.write(b"crime_reference,")
        assert imports_recover().files_deleted == 0
        assert path.exists()
    path.unlink()


def test_finished_batches_are_left_as_they_were():
    batch = run_import(actor=analyst(), supplied_by=police(), content=offences_csv(offence()))
    assert imports_recover().failed == []
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.LOADED


def test_the_imports_recover_command_says_what_it_did(capsys):
    batch = started(ImportBatch.Status.VALIDATING)
    call_command("imports_recover")
    out = capsys.readouterr().out
    assert f"Batch {batch.pk}: interrupted by a restart, marked not loaded." in out
    assert "1 uploaded file(s) no import was reading deleted." in out


def test_the_import_command_first_fails_what_a_restart_interrupted(tmp_path, capsys):
    batch = started(ImportBatch.Status.LOADING)
    user, path = analyst(), tmp_path / "offences.csv"
    path.write_bytes(offences_csv(offence("01/9/22")))
    args = ["--kind", "police-offences", "--supplied-by", police().code, "--as", user.username]
    call_command("import", *args, str(path))
    out = capsys.readouterr().out
    assert out.startswith(f"Batch {batch.pk}: interrupted by a restart, marked not loaded.")
    assert "1 rows read, 1 loaded" in out


def test_a_batch_queued_for_a_worker_is_left_alone_and_its_file_kept(settings, tmp_path):
    """Queued, no process holds its file: its run (jobs) says it is alive."""
    from casebridge.jobs.models import TaskRun

    settings.CASEBRIDGE_IMPORT_DIR = tmp_path  # the file stays: not in the other tests' way
    batch = started(ImportBatch.Status.QUEUED)
    TaskRun.objects.create(
        task="casebridge.imports.tasks.import_batch", about=f"import_batch:{batch.pk}"
    )
    assert imports_recover() == Recovery(failed=[], files_deleted=0)
    assert batch_file(batch).exists()


def test_a_batch_whose_worker_died_part_way_starts_again_from_the_top():
    batch = started(ImportBatch.Status.VALIDATING)
    RejectedRow.objects.create(batch=batch, line_number=2, cells={}, reasons=["x is required"])
    ImportBatch.objects.filter(pk=batch.pk).update(rows_read=1, rows_rejected=1)

    restarted = batch_restart(batch_id=batch.pk)

    assert (restarted.status, restarted.rows_read, restarted.rows_rejected) == (
        ImportBatch.Status.QUEUED,
        0,
        0,
    )
    assert not restarted.rejected_rows.exists()
    assert import_run(batch=restarted).status == ImportBatch.Status.LOADED


def test_a_batch_whose_run_was_given_up_is_failed_and_its_file_deleted():
    """jobs gives a run up after its worker died three times, and says so."""
    from casebridge.jobs.models import TaskRun
    from casebridge.jobs.services import run_abandoned

    batch = started(ImportBatch.Status.LOADING)
    run = TaskRun.objects.create(
        task="casebridge.imports.tasks.import_batch", about=f"import_batch:{batch.pk}"
    )
    run_abandoned.send(sender=TaskRun, run=run)
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.Status.FAILED, INTERRUPTED)
    assert not batch_file(batch).exists()
