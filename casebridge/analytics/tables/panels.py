"""The panels' tables: meetings (SIRMs, community-impact meetings, the SAV and exploitation
panels, MARACs) and the cases on their agendas."""

import pyarrow as pa

from casebridge.analytics.tables.common import Survivors, TableSpec, day, values
from casebridge.panels.models import AgendaItem, Meeting

MEETINGS = pa.schema(
    [
        ("meeting_id", pa.string()),
        ("pathway", pa.string()),
        ("purpose", pa.string()),  # panel or community_impact
        ("status", pa.string()),  # planned, held, closed (held, then closed out) or cancelled
        ("scheduled_on", pa.date32()),
        ("follows_id", pa.string()),  # the SIRM a community-impact meeting follows
    ]
)


def meetings() -> TableSpec:
    rows = (
        (str(pk), pathway, purpose, status, day(scheduled), str(follows) if follows else None)
        for pk, pathway, purpose, status, scheduled, follows in values(
            Meeting.objects.all(),
            "pk",
            "pathway__code",
            "purpose",
            "status",
            "scheduled_for",
            "follows_id",
        )
    )
    return TableSpec(MEETINGS, rows)


AGENDA_ITEMS = pa.schema(
    [
        ("agenda_item_id", pa.string()),
        ("meeting_id", pa.string()),
        ("pathway", pa.string()),  # the meeting's
        ("purpose", pa.string()),
        ("meeting_status", pa.string()),
        ("scheduled_on", pa.date32()),
        ("case_id", pa.string()),
        ("person_id", pa.string()),  # the case subject's surviving record
    ]
)


def agenda_items() -> TableSpec:
    survivors = Survivors()
    rows = (
        (
            str(pk),
            str(meeting),
            pathway,
            purpose,
            status,
            day(scheduled),
            str(case),
            survivors.id(subject),
        )
        for pk, meeting, pathway, purpose, status, scheduled, case, subject in values(
            AgendaItem.objects.all(),
            "pk",
            "meeting_id",
            "meeting__pathway__code",
            "meeting__purpose",
            "meeting__status",
            "meeting__scheduled_for",
            "case_id",
            "case__subject_id",
        )
    )
    return TableSpec(AGENDA_ITEMS, rows)
