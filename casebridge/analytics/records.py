"""From a figure back to its records: which operational record each snapshot table's rows
stand for, and how to list those records for a user without showing one they may not see.

The snapshot holds ids, codes and dates only; names and references come from the live
records here, through the same access rules as every other page.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from casebridge.access.policy import Action, visible
from casebridge.accounts.models import User
from casebridge.assessments.models import Assessment
from casebridge.assessments.selectors import visible_assessments
from casebridge.incidents.models import Incident
from casebridge.panels.models import Meeting
from casebridge.pathways.models import Case, DisclosureRequest
from casebridge.people.models import Person
from casebridge.refuges.models import Stay


@dataclass(frozen=True)
class RecordRow:
    id: str
    reference: str
    person: str  # whom the record is about, as the user's own pages name them
    description: str
    on: date | None
    url: str


@dataclass(frozen=True)
class RecordKind:
    noun: str  # plural, for "12 cases"
    visible: Callable[[User, Sequence[Any]], QuerySet[Any]]  # ordered, newest first
    row: Callable[[Any], RecordRow]


def _cases(user: User, ids: Sequence[Any]) -> QuerySet[Case]:
    queryset = Case.objects.filter(pk__in=ids)
    return (
        visible(user=user, action=Action.VIEW, queryset=queryset)
        .select_related("pathway", "subject")
        .prefetch_related("subject__names")
        .order_by("-referred_at", "reference")
    )


def _case_row(case: Case) -> RecordRow:
    return RecordRow(
        id=str(case.pk),
        reference=case.reference,
        person=str(case.subject),
        description=f"{case.pathway.name}: {case.state.replace('_', ' ')}",
        on=timezone.localdate(case.referred_at),
        url=reverse("pathways:case_detail", kwargs={"case_id": case.pk}),
    )


def _people(user: User, ids: Sequence[Any]) -> QuerySet[Person]:
    queryset = Person.objects.filter(pk__in=ids)
    return (
        visible(user=user, action=Action.VIEW, queryset=queryset)
        .prefetch_related("names")
        .order_by("-date_of_birth", "pk")
    )


def _person_row(person: Person) -> RecordRow:
    born = f"Born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else "Born: not known"
    return RecordRow(
        id=str(person.pk),
        reference=str(person),
        person=str(person),
        description=f"{born}, {person.get_sex_display().lower()}",
        on=None,
        url=reverse("people:detail", kwargs={"person_id": person.pk}),
    )


def _stays(user: User, ids: Sequence[Any]) -> QuerySet[Stay]:
    queryset = Stay.objects.filter(pk__in=ids)
    return (
        visible(user=user, action=Action.VIEW, queryset=queryset)
        .select_related("refuge", "person")
        .prefetch_related("person__names")
        .order_by("-arrived_on", "pk")
    )


def _stay_row(stay: Stay) -> RecordRow:
    departed = f", left {stay.departed_on:%-d %B %Y}" if stay.departed_on else ""
    return RecordRow(
        id=str(stay.pk),
        reference=str(stay.refuge.name),
        person=str(stay.person),
        description=f"Stay from {stay.arrived_on:%-d %B %Y}{departed}",
        on=stay.arrived_on,
        url=reverse("refuges:refuge_detail", kwargs={"refuge_id": stay.refuge_id}),
    )


def _incidents(user: User, ids: Sequence[Any]) -> QuerySet[Incident]:
    # An incident is seen through its victim's record: whoever may see her may see it.
    people = visible(user=user, action=Action.VIEW, queryset=Person.objects.all())
    return (
        Incident.objects.filter(pk__in=ids, victim__in=people)
        .select_related("reporting_agency", "victim")
        .prefetch_related("victim__names")
        .order_by("-occurred_at", "reference")
    )


def _incident_row(incident: Incident) -> RecordRow:
    return RecordRow(
        id=str(incident.pk),
        reference=str(incident),
        person=str(incident.victim),
        description=incident.get_category_display(),
        on=timezone.localdate(incident.occurred_at),
        url=reverse("people:detail", kwargs={"person_id": incident.victim_id}),
    )


def _assessments(user: User, ids: Sequence[Any]) -> QuerySet[Assessment]:
    return (
        visible_assessments(user=user, queryset=Assessment.objects.filter(pk__in=ids))
        .select_related("instrument", "person")
        .prefetch_related("person__names")
        .order_by("-assessed_at", "pk")
    )


def _assessment_row(assessment: Assessment) -> RecordRow:
    return RecordRow(
        id=str(assessment.pk),
        reference=assessment.instrument.name,
        person=str(assessment.person),
        description=f"Score {assessment.score}, {assessment.final_band} risk",
        on=timezone.localdate(assessment.assessed_at),
        url=reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}),
    )


def _disclosure_requests(user: User, ids: Sequence[Any]) -> QuerySet[DisclosureRequest]:
    cases = visible(user=user, action=Action.VIEW, queryset=Case.objects.all())
    return (
        DisclosureRequest.objects.filter(pk__in=ids, case__in=cases)
        .select_related("case", "case__subject")
        .prefetch_related("case__subject__names")
        .order_by("-requested_on", "-pk")
    )


def _disclosure_row(request: DisclosureRequest) -> RecordRow:
    return RecordRow(
        id=str(request.pk),
        reference=request.case.reference,
        person=str(request.case.subject),
        description=f"{request.get_route_display()}: {request.get_decision_display().lower()}",
        on=request.requested_on,
        url=reverse("pathways:case_detail", kwargs={"case_id": request.case_id}),
    )


def _meetings(user: User, ids: Sequence[Any]) -> QuerySet[Meeting]:
    queryset = Meeting.objects.filter(pk__in=ids)
    return (
        visible(user=user, action=Action.VIEW, queryset=queryset)
        .select_related("pathway")
        .order_by("-scheduled_for", "pk")
    )


def _meeting_row(meeting: Meeting) -> RecordRow:
    return RecordRow(
        id=str(meeting.pk),
        reference=meeting.title,
        person="",  # a meeting is about its agenda's cases, listed on its page
        description=f"{meeting.get_purpose_display()}: {meeting.get_status_display().lower()}",
        on=timezone.localdate(meeting.scheduled_for),
        url=reverse("panels:meeting_detail", kwargs={"meeting_id": meeting.pk}),
    )


CASES = RecordKind("cases", _cases, _case_row)
PEOPLE = RecordKind("people", _people, _person_row)
INCIDENTS = RecordKind("incidents", _incidents, _incident_row)
TABLE_RECORDS: dict[str, tuple[str, RecordKind]] = {
    "cases": ("case_id", CASES),
    "case_events": ("case_id", CASES),
    "case_states": ("case_id", CASES),
    "marac_referrals": ("case_id", CASES),
    # Casework is seen through its case; a person's justice events through their record.
    "case_tiers": ("case_id", CASES),
    "case_needs": ("case_id", CASES),
    "service_referrals": ("case_id", CASES),
    "service_elements": ("case_id", CASES),
    "case_starts": ("case_id", CASES),
    "justice_events": ("person_id", PEOPLE),
    "first_proven_offences": ("person_id", PEOPLE),
    "refuge_stays": ("stay_id", RecordKind("refuge stays", _stays, _stay_row)),
    "incidents": ("incident_id", INCIDENTS),
    "sirm_proposals": ("incident_id", INCIDENTS),
    "assessments": (
        "assessment_id",
        RecordKind("assessments", _assessments, _assessment_row),
    ),
    "disclosure_requests": (
        "request_id",
        RecordKind("Clare's Law requests", _disclosure_requests, _disclosure_row),
    ),
    "meetings": ("meeting_id", RecordKind("meetings", _meetings, _meeting_row)),
    # A case on an agenda, a SAV or Victim Coordinator referral is seen through its case; a
    # SIRM proposal through its incident; a missing episode or NRM referral through the person.
    "agenda_items": ("case_id", CASES),
    "sav_referrals": ("case_id", CASES),
    "victim_referrals": ("case_id", CASES),
    "missing_episodes": ("person_id", PEOPLE),
    "nrm_referrals": ("person_id", PEOPLE),
}


def record_kind(table: str) -> tuple[str, RecordKind]:
    """The id column of a snapshot table and the kind of record its rows stand for."""
    return TABLE_RECORDS[table]


def rows_for(kind: RecordKind, records: Sequence[Model]) -> list[RecordRow]:
    return [kind.row(record) for record in records]
