"""Reading import batches and their rejected rows, as the access rules allow."""

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from django.db.models import QuerySet

from casebridge.access.policy import AccessDenied, Action, Resource, permitted, visible
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.imports.formats import extract_formats
from casebridge.imports.models import ImportBatch, LoadedRow, PartnerEvent, RejectedRow


def person_batches(person_ids: list[str]) -> Iterable[tuple[UUID, int]]:
    """(person id, batch id) for each batch that brought one of these people."""
    through = ImportBatch.people.through.objects.filter(person_id__in=person_ids)
    return through.values_list("person_id", "importbatch_id")


def person_ages(
    person_ids: list[str],
) -> Iterable[tuple[UUID, date, int | None, int | None, str]]:
    """(person id, the event's day, youngest and oldest age, the format's title) for each event
    of these people whose format bounds its subject's age (``Subject.min_age``)."""
    bounded = {
        kind: subject
        for kind, extract in extract_formats().items()
        for subject in extract.subjects
        if subject.min_age is not None or subject.max_age is not None
    }
    events = PartnerEvent.objects.filter(person_id__in=person_ids, kind__in=list(bounded))
    for pk, kind, day in events.values_list("person_id", "kind", "occurred_on"):
        subject = bounded[kind]
        yield pk, day, subject.min_age, subject.max_age, extract_formats()[kind].title


def may_view_imports(*, user: User) -> bool:
    return permitted(user=user, action=Action.VIEW, resource=Resource.IMPORT_BATCH)


def may_import(*, user: User) -> bool:
    return permitted(user=user, action=Action.CREATE, resource=Resource.IMPORT_BATCH)


def batch_list(*, user: User) -> QuerySet[ImportBatch]:
    return visible(
        user=user, action=Action.VIEW, queryset=ImportBatch.objects.all()
    ).select_related("supplied_by", "imported_by")


def batch_get(*, user: User, batch_id: int) -> ImportBatch:
    """The batch, if the user may see it; ``AccessDenied`` otherwise (shown as 404)."""
    batch = batch_list(user=user).filter(pk=batch_id).first()
    if batch is None:
        raise AccessDenied(Action.VIEW, Resource.IMPORT_BATCH, batch_id)
    return batch


def rejected_rows(*, batch: ImportBatch) -> QuerySet[RejectedRow]:
    """A batch's rejected rows, in file order (the caller has the batch, so may see them)."""
    return batch.rejected_rows.order_by("line_number")


def noted_rows(*, batch: ImportBatch) -> QuerySet[LoadedRow]:
    """The rows the batch loaded with a note (a person without a date of birth), in file order
    (the caller has the batch, so may see them)."""
    return (
        batch.loaded_rows.exclude(notes=[])
        .only("line_number", "reference", "notes")
        .order_by("line_number")
    )


def supplier_choices() -> QuerySet[Agency]:
    """The agencies that send some kind of extract."""
    kinds = {extract.supplied_by for extract in extract_formats().values()}
    return Agency.objects.filter(kind__in=kinds).order_by("name")


def rejected_columns(*, batch: ImportBatch) -> list[str]:
    """The batch's columns in the format's order, for a table or a file of its rejected rows."""
    return list(extract_formats()[batch.kind].column_names)
