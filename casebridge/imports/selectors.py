"""Reading import batches and their rejected rows, as the access rules allow."""

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from django.db.models import Q, QuerySet

from casebridge.access.policy import AccessDenied, Action, Resource, permitted, visible
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.imports.formats import extract_formats
from casebridge.imports.models import ImportBatch, LoadedRow, PartnerEvent, RejectedRow
from casebridge.people.models import Person

# Where a loaded row names a person its batch recorded: the person's path, and its flag.
_RECORDED = (
    ("incident__victim_id", "recorded_subject"),
    ("incident__suspect_id", "recorded_suspect"),
    ("event__person_id", "recorded_subject"),
)


def _recorded(person: str, flag: str) -> QuerySet[LoadedRow]:
    return LoadedRow.objects.filter(**{flag: True, f"{person}__isnull": False})


def batch_people(batch: ImportBatch) -> QuerySet[Person]:
    """The people the batch recorded (not those it found by an identifier already held)."""
    recorded = Q()
    for person, flag in _RECORDED:
        recorded |= Q(pk__in=_recorded(person, flag).filter(batch=batch).values(person))
    return Person.objects.filter(recorded)


def recorded_by_a_batch() -> Q:
    """People some batch recorded, as a condition on ``Person``."""
    recorded = Q()
    for person, flag in _RECORDED:
        recorded |= Q(pk__in=_recorded(person, flag).values(person))
    return recorded


def person_batches(person_ids: list[str]) -> Iterable[tuple[UUID, int]]:
    """(person id, batch id) for each batch that recorded one of these people."""
    for person, flag in _RECORDED:
        rows = _recorded(person, flag).filter(**{f"{person}__in": person_ids})
        yield from rows.values_list(person, "batch_id")


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
