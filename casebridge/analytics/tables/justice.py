"""The justice events table: each person's offending history, from partner extracts, incidents
with a suspect and the justice contacts recorded on cases, with age and sex on the day."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pyarrow as pa

from casebridge.analytics.tables.common import Survivors, TableSpec, values
from casebridge.core.dates import age_on
from casebridge.imports.models import PartnerEvent
from casebridge.incidents.models import Incident
from casebridge.justice.events import (
    JusticeEvent,
    contact_events,
    event_definitions,
    incident_events,
    partner_event_events,
)
from casebridge.justice.models import JusticeContact


def _justice_event_sources() -> Iterator[tuple[JusticeEvent, date | None, str]]:
    """Every justice event, with its (joined) person's date of birth and sex."""
    formats = {rule.format for rule in event_definitions().rules["partner_events"]}
    partner = values(
        PartnerEvent.objects.filter(kind__in=formats, person__isnull=False),
        "pk",
        "kind",
        "occurred_on",
        "person_id",
        "details",
        "person__date_of_birth",
        "person__sex",
    )
    for pk, kind, occurred_on, person, details, born, sex in partner:
        for event in partner_event_events(
            pk=pk, kind=kind, occurred_on=occurred_on, person_id=person, details=details
        ):
            yield event, born, sex
    incidents = values(
        Incident.objects.filter(suspect__isnull=False),
        "pk",
        "suspect_id",
        "category",
        "domestic_abuse",
        "occurred_at",
        "outcome",
        "outcome_on",
        "suspect__date_of_birth",
        "suspect__sex",
    )
    for pk, suspect, category, domestic, occurred_at, outcome, outcome_on, born, sex in incidents:
        for event in incident_events(
            pk=pk,
            suspect_id=suspect,
            category=category,
            domestic_abuse=domestic,
            occurred_at=occurred_at,
            outcome=outcome,
            outcome_on=outcome_on,
        ):
            yield event, born, sex
    contacts = values(
        JusticeContact.objects.all(),
        "pk",
        "case__subject_id",
        "stage",
        "outcome",
        "occurred_on",
        "offence_on",
        "case__subject__date_of_birth",
        "case__subject__sex",
    )
    for pk, subject, stage, outcome, occurred_on, offence_on, born, sex in contacts:
        for event in contact_events(
            pk=pk,
            subject_id=subject,
            stage=stage,
            outcome=outcome,
            occurred_on=occurred_on,
            offence_on=offence_on,
        ):
            yield event, born, sex


JUSTICE_EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("person_id", pa.string()),
        ("kind", pa.string()),
        ("source", pa.string()),  # partner_event, incident or justice_contact
        ("detail", pa.string()),  # the sentence, disposal or outcome code, or ""
        ("offence_on", pa.date32()),
        ("occurred_on", pa.date32()),
        ("age", pa.int32()),  # whole years on occurred_on
        ("sex", pa.string()),
        ("is_proven", pa.bool_()),
        ("is_index", pa.bool_()),
    ]
)


def justice_events() -> TableSpec:
    survivors = Survivors()
    kinds = event_definitions().kinds

    def row(event: JusticeEvent, born: date | None, sex: str) -> tuple[Any, ...]:
        born, sex = survivors.born_and_sex(event.person_id, born, sex)
        kind = kinds[event.kind]
        return (
            event.event_id,
            survivors.id(event.person_id),
            event.kind,
            event.source,
            event.detail,
            event.offence_on,
            event.occurred_on,
            age_on(born, event.occurred_on),
            sex,
            kind.proven,
            kind.index,
        )

    return TableSpec(JUSTICE_EVENTS, (row(*source) for source in _justice_event_sources()))
