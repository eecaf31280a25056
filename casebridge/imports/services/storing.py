"""Taking a partner's file: authorised, checked for size and against earlier loads, stored (held
by this process from the first byte, claims.py) and recorded as a queued batch, audited.

The file is kept in the ``imports`` storage (casebridge/core/storage.py) until its batch is
finished. On this machine's disk (the default, ``CASEBRIDGE_IMPORT_DIR``) it is written and read
where it is. When the storage is a bucket shared by several servers, the file is written here
first (held, hashed) and copied to the bucket before its batch is seen, so whichever process
runs the batch can fetch it (``batch_file_fetch``).
"""

import hashlib
from pathlib import Path
from typing import IO, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.core.storage import fetch, local_directory, named_storage
from casebridge.imports.claims import claim_new, hand_over
from casebridge.imports.formats import extract_format
from casebridge.imports.models import ImportBatch

SUFFIXES = (".csv", ".xlsx")


def import_storage() -> Storage:
    return named_storage("imports")


def _shared_storage() -> Storage | None:
    """The imports' storage when it is not this machine's disk (a bucket), else None."""
    storage = import_storage()
    return None if local_directory(storage) is not None else storage


def import_directory() -> Path:
    """Where this machine holds the files it imports: the storage's own directory, or for a
    bucket the local directory its files are fetched into."""
    directory = local_directory(import_storage()) or Path(settings.CASEBRIDGE_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _store(content: IO[bytes], out: BinaryIO) -> tuple[str, int]:
    """Write the upload to disk, hashing as it goes; refuse it past the size limit."""
    digest, size = hashlib.sha256(), 0
    limit = settings.CASEBRIDGE_IMPORT_MAX_BYTES
    for chunk in iter(lambda: content.read(1 << 20), b""):
        size += len(chunk)
        if size > limit:
            raise ApplicationError(
                f"The file is larger than {limit // 1_000_000:,} MB: split it by period and "
                "import each part.",
                field="file",
            )
        digest.update(chunk)
        out.write(chunk)
    out.flush()
    return digest.hexdigest(), size


def batch_file_name(batch: ImportBatch) -> str:
    return f"batch-{batch.pk}{Path(batch.file_name).suffix.lower()}"


def batch_file(batch: ImportBatch) -> Path:
    return import_directory() / batch_file_name(batch)


def batch_file_stored(batch: ImportBatch) -> bool:
    """Whether the batch's file is still kept, on this machine or in the shared storage."""
    shared = _shared_storage()
    return batch_file(batch).exists() or (
        shared is not None and shared.exists(batch_file_name(batch))
    )


def batch_file_fetch(batch: ImportBatch) -> bool:
    """Fetch the batch's file from the shared storage to this machine, if it is only there;
    whether it was."""
    shared, name = _shared_storage(), batch_file_name(batch)
    if shared is None or batch_file(batch).exists() or not shared.exists(name):
        return False
    fetch(shared, name, batch_file(batch))
    return True


def batch_file_delete(batch: ImportBatch) -> None:
    """The file holds personal data: once the batch is finished it goes, here and shared."""
    batch_file(batch).unlink(missing_ok=True)
    if (shared := _shared_storage()) is not None:
        shared.delete(batch_file_name(batch))


def import_start(
    *, actor: User, kind: str, supplied_by: Agency, file_name: str, content: IO[bytes]
) -> ImportBatch:
    """Take a partner's file for import as ``kind``; ``import_run`` then loads it."""
    require_permission(user=actor, action=Action.CREATE, resource=Resource.IMPORT_BATCH)
    if actor.agency is None:
        raise ApplicationError("Only a member of an agency can import partner data.")
    try:
        extract = extract_format(kind)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="kind") from error
    if supplied_by.kind != extract.supplied_by:
        raise ApplicationError(
            f"{extract.title} come from a {extract.supplied_by.replace('_', ' ')} agency; "
            f"{supplied_by.name} is not one.",
            field="supplied_by",
        )
    if Path(file_name).suffix.lower() not in SUFFIXES:
        raise ApplicationError("The file must be a CSV (.csv) or Excel (.xlsx) file.", field="file")
    # Held from the first byte written until the batch is finished (claims.py), so a restart's
    # recovery never takes a live upload for an interrupted one.
    incoming, held = claim_new(import_directory(), "upload-")
    stored = None
    try:
        sha256, size = _store(content, held)
        _refuse_if_loaded(kind=kind, supplied_by=supplied_by, sha256=sha256)
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=kind,
                supplied_by=supplied_by,
                imported_by=actor,
                imported_by_agency=actor.agency,
                file_name=Path(file_name).name[:255],
                file_sha256=sha256,
                file_size=size,
            )
            audit_record(
                actor=actor,
                action="create",
                object_type="import_batch",
                object_id=batch.pk,
                summary=f"Started import batch {batch.pk}: {extract.title} from {supplied_by.name}",
                changes={"kind": kind, "file_sha256": sha256, "file_size": size},
            )
            # Before the batch is seen, so an unfinished batch always has its file, or had.
            stored = batch_file(batch)
            incoming.rename(stored)
            if (shared := _shared_storage()) is not None:
                with stored.open("rb") as written:
                    shared.save(batch_file_name(batch), File(written))
    except BaseException:
        if stored is not None:
            batch_file_delete(batch)
        held.close()
        raise
    finally:
        incoming.unlink(missing_ok=True)
    hand_over(batch.pk, held)
    return batch


def _refuse_if_loaded(*, kind: str, supplied_by: Agency, sha256: str) -> None:
    earlier = ImportBatch.objects.filter(
        kind=kind, supplied_by=supplied_by, file_sha256=sha256, status=ImportBatch.Status.LOADED
    ).first()
    if earlier is not None:
        raise ApplicationError(
            f"This file was imported already, as batch {earlier.pk} on "
            f"{timezone.localtime(earlier.created_at):%d %B %Y at %H:%M}: nothing has changed.",
            field="file",
        )
