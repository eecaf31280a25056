"""Uploaded extracts in an S3-compatible bucket: the server that took the file need not be the
one that imports it, and the file goes from the bucket once its batch is finished."""

import io

import pytest

from casebridge.core.storage import named_storage
from casebridge.imports.claims import take_over
from casebridge.imports.models import ImportBatch
from casebridge.imports.recovery import imports_recover
from casebridge.imports.services import batch_file, import_run, import_start
from casebridge.imports.services.storing import batch_file_name
from tests.imports.factories import analyst, offence, offences_csv, police
from tests.s3 import s3_endpoint, s3_storage

__all__ = ["s3_endpoint", "s3_storage"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_a_bucket(settings, s3_storage, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "imports": s3_storage("imports")}
    settings.CASEBRIDGE_IMPORT_DIR = tmp_path / "this-server"


def started() -> ImportBatch:
    """A batch taken by this server: its file stored, held until an import takes it over."""
    return import_start(
        actor=analyst(),
        kind="police-offences",
        supplied_by=police(),
        file_name="offences.csv",
        content=io.BytesIO(offences_csv(offence("01/1/22"), offence("01/2/22"))),
    )


def test_a_batch_taken_by_one_server_is_imported_by_another(settings, tmp_path):
    batch = started()
    assert named_storage("imports").exists(batch_file_name(batch))
    # Another server: the file is not on its disk, nor held by its process.
    settings.CASEBRIDGE_IMPORT_DIR = tmp_path / "another-server"
    take_over(batch.pk).close()
    loaded = import_run(batch=batch)
    assert (loaded.status, loaded.rows_loaded) == (ImportBatch.Status.LOADED, 2)
    assert not named_storage("imports").exists(batch_file_name(batch))
    assert not batch_file(batch).exists()


def test_an_unfinished_batch_whose_file_is_in_the_bucket_is_not_taken_for_interrupted(
    settings, tmp_path
):
    batch = started()
    settings.CASEBRIDGE_IMPORT_DIR = tmp_path / "another-server"
    take_over(batch.pk).close()
    assert imports_recover().failed == []
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED
