"""Matching a loaded batch's people with the people already held (identity resolution)."""

from casebridge.access.policy import AccessDenied, Action, authorize
from casebridge.accounts.models import User
from casebridge.core.errors import ApplicationError
from casebridge.imports.models import NOT_MATCHED, ImportBatch
from casebridge.imports.selectors import batch_people
from casebridge.linkage.services import people_link


def batch_link(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Match a loaded batch's people with the people held (again): once a model is trained,
    say, without importing the file again. Those merged since are counted as linked."""
    authorize(user=actor, action=Action.VIEW, obj=batch)
    if batch.status != ImportBatch.Status.LOADED:
        raise ApplicationError("Only a loaded batch's people can be matched.")
    return resolve_identities(batch, actor)


def resolve_identities(batch: ImportBatch, actor: User | None = None) -> ImportBatch:
    """Match the people the batch recorded against everyone held. It runs after the load and
    apart from it: the batch is loaded whatever linkage makes of it, and an analyst can link
    later (``batch_link``) without importing again."""
    # Those merged since are given too: they are counted as linked, so the counts add up.
    # Their ids only, read by linkage once it may link them (not at all without a model).
    person_ids = batch_people(batch).values_list("pk", flat=True)
    if not person_ids.exists():
        return batch
    try:
        linked = people_link(
            actor=actor or batch.imported_by,
            person_ids=person_ids,
            source=f"import batch {batch.pk}",
        )
    except AccessDenied:
        batch.linkage = f"{NOT_MATCHED}: the importer may not do that."
    except ApplicationError as error:
        batch.linkage = f"{NOT_MATCHED}: {error.message}"
    else:
        batch.linkage = linked.sentence()
    batch.save(update_fields=["linkage"])
    return batch
