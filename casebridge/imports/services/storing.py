"""Taking a partner's file: authorised, checked for size and against earlier loads, stored (held
by this process from the first byte, claims.py) and recorded as a queued batch, audited."""

import hashlib
from pathlib import Path
from typing import IO, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.imports.claims import claim_new, hand_over
from casebridge.imports.formats import extract_format
from casebridge.imports.models import ImportBatch

SUFFIXES = (".csv", ".xlsx")


def _import_dir() -> Path:
    directory = Path(settings.CASEBRIDGE_IMPORT_DIR)
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


def batch_file(batch: ImportBatch) -> Path:
    return _import_dir() / f"batch-{batch.pk}{Path(batch.file_name).suffix.lower()}"


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
    incoming, held = claim_new(_import_dir(), "upload-")
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
    except BaseException:
        if stored is not None:
            stored.unlink(missing_ok=True)
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
