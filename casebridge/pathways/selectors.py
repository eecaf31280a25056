"""Reading cases, narrowed to what the user may see inside the query."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Max, Model, Q, QuerySet, Sum

from casebridge.access.facts import version
from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    allows,
    allows_in_memory,
    permitted,
    permitted_in_any_pathway,
    visible,
)
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.core import fingerprints
from casebridge.core.prepared import Prepared, record_maker
from casebridge.pathways.models import Case, CaseEvent, CasePerson, DisclosureRequest, Pathway
from casebridge.people.models import Person, PersonName

PATHWAYS_FINGERPRINT = "pathways"


def register_fingerprint() -> None:
    """Pathways change when ``sync-definitions`` loads their files (a new version)."""
    fingerprints.register(
        PATHWAYS_FINGERPRINT,
        Pathway.objects.all(),
        count=Count("pk"),
        versions=Sum("version"),
        active=Count("pk", filter=Q(is_active=True)),
    )


# The pathways with their definitions, kept for the process: (fingerprint, pathways).
_kept: list[tuple[object, list[Pathway]]] = []


def all_pathways(*, user: User) -> list[Pathway]:
    """Every pathway: the navigation, the worklists and the pages all ask about pathways, which
    change only when ``sync-definitions`` runs. Kept for the process while their fingerprint
    holds (read with the others once a request) and none was saved in this process since, and
    remembered on the user object (a request's user). Shared between requests and threads:
    read them, never change them."""
    current = version(("pathways.Pathway",))
    mine: tuple[tuple[int, ...], list[Pathway]] | None = user.__dict__.get("_pathways")
    if mine is not None and mine[0] == current:
        return mine[1]
    key = (fingerprints.get(PATHWAYS_FINGERPRINT), current)
    kept = _kept[0] if _kept else None
    if kept is None or kept[0] != key:
        kept = (key, list(Pathway.objects.all()))
        _kept[:] = [kept]
    user.__dict__["_pathways"] = (current, kept[1])
    return kept[1]


def pathway_named(*, user: User, code: str) -> Pathway | None:
    """The pathway of this code, from ``all_pathways``."""
    return next((pathway for pathway in all_pathways(user=user) if pathway.code == code), None)


# A case with what its pages show of it, compiled once: every case page and form loads one.
_CASE = Prepared(
    lambda pk: Case.objects.select_related(
        "subject", "owner_agency", "owner_team", "owner_user", "referring_agency"
    ).filter(pk=pk),
    fields={"pk": Case._meta.pk},
    samples={"pk": UUID(int=1)},
)


def case_get(*, user: User, case_id: UUID | str, action: str = Action.VIEW) -> Case:
    """The case, if the user may ``action`` it; ``AccessDenied`` otherwise (shown as 404).

    One record: loaded by its id, then checked by the policy on the record as loaded (a grant
    is decided in memory; a refusal is confirmed in the database). Building and compiling the
    permission filter for this one row was the case page's largest single cost in Python.
    """
    case = _CASE.first(pk=case_id)
    if case is None or not allows(user=user, action=action, obj=case):
        raise AccessDenied(action, "case", case_id)
    _attach_names([case.subject], _PERSON_NAMES.all(person_id=case.subject_id))
    # The pathway and its definition as kept for the process, not joined and decoded again
    # (one created since this request read the fingerprints is loaded when first asked for).
    kept = next((p for p in all_pathways(user=user) if p.pk == case.pathway_id), None)
    if kept is not None:
        case.pathway = kept
    return case


def case_list(
    *, user: User, pathway: Pathway | None = None, open_only: bool = False
) -> QuerySet[Case]:
    cases = visible(user=user, action=Action.VIEW, queryset=Case.objects.all())
    if pathway is not None:
        cases = cases.filter(pathway=pathway)
    if open_only:
        cases = cases.exclude(_terminal_states(user))
    return (
        cases.select_related("pathway", "subject", "owner_agency")
        .prefetch_related("subject__names")
        .order_by("-referred_at")
    )


def _terminal_states(user: User) -> Q:
    condition = Q(pk__in=[])
    for pathway in all_pathways(user=user):
        terminal = [s["code"] for s in pathway.definition["states"] if s.get("terminal")]
        condition |= Q(pathway=pathway, state__in=terminal)
    return condition


# A case page's lists, compiled once (the case's id their only value).
_CASE_TIMELINE = Prepared.by_key(
    lambda case_id: CaseEvent.objects.select_related("actor").filter(case_id=case_id),
    model=CaseEvent,
    key="case",
)


# The names of a case's subject.
_PERSON_NAMES = Prepared.by_key(
    lambda person_id: PersonName.objects.filter(person_id=person_id),
    model=PersonName,
    key="person",
)


def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


# A case's other people, each person, and each of their names: one row a name (one with no
# name for a person who has none), in the order the people were added to the case and then
# of the names (the two statements had no order: the plan's, which differed between plans). One
# statement where the people and their names were two, each a round trip and the names'
# planned on the server through a subquery.
_LINK, _PERSON, _NAME = _attnames(CasePerson), _attnames(Person), _attnames(PersonName)
_CASE_PEOPLE_WITH_NAMES = Prepared.by_key(
    lambda case_id: (
        CasePerson.objects.filter(case_id=case_id)
        .order_by("pk", "person__names__pk")
        .values_list(
            *_LINK,
            *(f"person__{name}" for name in _PERSON),
            *(f"person__names__{name}" for name in _NAME),
        )
    ),
    model=CasePerson,
    key="case",
)


def case_people(*, case: Case) -> list[CasePerson]:
    """The other people in a case, with their names; whoever may see the case may see them."""
    make_link = record_maker(CasePerson, _LINK, DEFAULT_DB_ALIAS)
    make_person = record_maker(Person, _PERSON, DEFAULT_DB_ALIAS)
    make_name = record_maker(PersonName, _NAME, DEFAULT_DB_ALIAS)
    person_starts, name_starts = len(_LINK), len(_LINK) + len(_PERSON)
    people: list[CasePerson] = []
    names: list[PersonName] = []
    for row in _CASE_PEOPLE_WITH_NAMES.rows(case_id=case.pk):
        if not people or people[-1].pk != row[0]:
            link = make_link(row[:person_starts])
            person = make_person(row[person_starts:name_starts])
            # As ``select_related("person")`` and the case's related manager leave them.
            CasePerson.person.field.set_cached_value(link, person)
            CasePerson.case.field.set_cached_value(link, case)
            people.append(link)
        if row[name_starts] is not None:  # a person with no name has one row, its name's empty
            names.append(make_name(row[name_starts:]))
    if people:
        _attach_names([link.person for link in people], names)
    return people


def _attach_names(people: list[Person], names: list[PersonName]) -> None:
    """Each person's names given by ``person.names.all()`` without a query, as Django's
    ``prefetch_related_objects(people, "names")`` leaves them (the same records, with their
    person set), from the names loaded for them all by one statement compiled once: Django
    built and compiled the prefetch's query afresh each time (0.4 ms a case page, twice)."""
    by_person: dict[UUID, list[PersonName]] = {person.pk: [] for person in people}
    for name in names:
        by_person[name.person_id].append(name)
    for person in people:
        loaded = by_person[person.pk]
        for name in loaded:
            PersonName.person.field.set_cached_value(name, person)
        queryset = person.names.get_queryset()
        queryset._result_cache = loaded  # type: ignore[attr-defined]
        queryset._prefetch_done = True  # type: ignore[attr-defined]
        person.__dict__.setdefault("_prefetched_objects_cache", {})["names"] = queryset


def case_timeline(*, case: Case) -> list[CaseEvent]:
    """The case's events, oldest first, with who recorded each."""
    return _CASE_TIMELINE.all_of(case, field="case")


def pathways_open_to(*, user: User) -> list[Pathway]:
    return [
        p
        for p in all_pathways(user=user)
        if p.is_active
        and permitted(user=user, action=Action.CREATE, resource=Resource.CASE, pathway=p)
    ]


def my_open_cases(*, user: User) -> QuerySet[Case]:
    """Open cases the user may see and owns or referred: their home page worklist."""
    return case_list(user=user, open_only=True).filter(Q(owner_user=user) | Q(referred_by=user))


def person_cases(*, user: User, person: Person) -> QuerySet[Case]:
    cases = Case.objects.filter(subject=person) | Case.objects.filter(people__person=person)
    return (
        visible(user=user, action=Action.VIEW, queryset=cases.distinct())
        .select_related("pathway", "owner_agency")
        .order_by("-referred_at")
    )


def person_has_hidden_sealed_cases(*, user: User, person: Person) -> bool:
    """Whether a sealed case about this person is withheld from the user. Says only that one
    exists: nothing about what it is."""
    sealed = (
        Case.objects.filter(subject=person) | Case.objects.filter(people__person=person)
    ).filter(is_restricted=True)
    shown = visible(user=user, action=Action.VIEW, queryset=sealed)
    return sealed.exclude(pk__in=shown.values("pk")).exists()


def may_view_cases(*, user: User) -> bool:
    """Whether any rule lets the user see cases, in any pathway (for navigation links)."""
    return permitted_in_any_pathway(user=user, action=Action.VIEW, resource=Resource.CASE)


def available_transitions(*, user: User, case: Case) -> list[dict[str, Any]]:
    """The transitions any of this user's roles may take from the case's current state."""
    roles = user.role_codes
    return [t for t in case.pathway.transitions_from(case.state) if roles & set(t["roles"])]


def caseload(*, user: User, pathway: Pathway) -> dict[str, list[Case]]:
    """Open cases of a pathway the user may see, by the worker who holds them (an IDVA's
    caseload); cases not yet allocated are listed under "Not allocated"."""
    by_worker: dict[str, list[Case]] = {}
    cases = case_list(user=user, pathway=pathway, open_only=True).select_related("owner_user")
    for case in cases.order_by("owner_user__last_name", "referred_at"):
        worker = case.owner_user.display_name if case.owner_user else "Not allocated"
        by_worker.setdefault(worker, []).append(case)
    return by_worker


def receiving_services(*, pathways: Collection[Pathway]) -> list[Agency]:
    """Agencies that can receive referrals into these pathways (those naming receiving kinds)."""
    kinds = {kind for pathway in pathways for kind in pathway.receiving_agency_kinds}
    return list(Agency.objects.filter(kind__in=kinds).order_by("name")) if kinds else []


@dataclass(frozen=True)
class NextSteps:
    """What the user may do to a case now: move it on, or record casework on it.

    ``may_change`` says whether the user may change the case at all (for other forms on the
    case page, such as Clare's Law requests), decided with the same one query.
    """

    transitions: list[dict[str, Any]]
    activities: list[dict[str, str]]
    may_change: bool = False


def case_next_steps(*, user: User, case: Case) -> NextSteps:
    """The transitions and casework to offer; none unless the user may change this case."""
    if not may_change_case(user=user, case=case):
        return NextSteps([], [])
    activities = [] if case.is_closed else list(case.pathway.definition.get("activities", []))
    return NextSteps(available_transitions(user=user, case=case), activities, may_change=True)


def may_change_case(*, user: User, case: Case) -> bool:
    """Whether the user may change this case at all, judged on the case as loaded (the forms
    a page offers; the services check again before they write)."""
    return allows_in_memory(user=user, action=Action.CHANGE, obj=case)


# --- caseloads ------------------------------------------------------------------------------


def allocating_pathways(*, user: User) -> list[Pathway]:
    """Active pathways whose cases are allocated to a worker, and in which this user may be
    allocated cases: one of their roles takes the allocating transition, a rule lets them change the
    pathway's cases, and their agency is of a kind the pathway receives referrals into (an IDVA
    service). Empty for everyone else, such as a police officer who referred a case there."""
    roles = user.role_codes
    kind = user.agency.kind if user.agency else None
    found = []
    for pathway in all_pathways(user=user):
        if not pathway.is_active:
            continue
        allocating = [t for t in pathway.definition["transitions"] if t.get("allocates")]
        if not any(roles & set(t["roles"]) for t in allocating):
            continue
        receiving = pathway.receiving_agency_kinds
        if receiving and kind not in receiving:
            continue
        if permitted(user=user, action=Action.CHANGE, resource=Resource.CASE, pathway=pathway):
            found.append(pathway)
    return found


@dataclass(frozen=True)
class CaseloadRow:
    """One open case on a caseload. ``subject_name`` is ``None`` when the user may not see the
    person (the page then says so rather than naming them)."""

    case: Case
    subject_name: str | None
    last_activity: datetime | None


@dataclass(frozen=True)
class Caseload:
    """A pathway's open cases the user may see, as ``caseload`` groups them, split into the
    user's own cases, those not yet allocated, and each colleague's (by name)."""

    pathway: Pathway
    mine: list[CaseloadRow] = field(default_factory=list)
    unallocated: list[CaseloadRow] = field(default_factory=list)
    others: dict[str, list[CaseloadRow]] = field(default_factory=dict)

    @property
    def case_ids(self) -> list[str]:
        rows = [*self.mine, *self.unallocated, *(r for g in self.others.values() for r in g)]
        return [str(row.case.pk) for row in rows]


def caseload_for(*, user: User, pathway: Pathway) -> Caseload:
    """The caseload page of one pathway: ``caseload`` with names and last activity added.

    Whose case it is comes from the case's worker id, not the grouping name, so two workers of
    the same name are never mixed up with the user.
    """
    groups = caseload(user=user, pathway=pathway)
    cases = [case for group in groups.values() for case in group]
    ids = [case.pk for case in cases]
    last = dict(
        CaseEvent.objects.filter(case_id__in=ids)
        .values("case_id")
        .annotate(last=Max("occurred_at"))
        .values_list("case_id", "last")
    )
    shown_people = set(
        visible(
            user=user,
            action=Action.VIEW,
            queryset=Person.objects.filter(pk__in={case.subject_id for case in cases}),
        ).values_list("pk", flat=True)
    )

    def row(case: Case) -> CaseloadRow:
        if case.subject_id not in shown_people:
            return CaseloadRow(case, None, last.get(case.pk))
        name = case.subject.primary_name
        return CaseloadRow(case, name.full_name if name else "(no name)", last.get(case.pk))

    result = Caseload(pathway=pathway)
    for worker, group in groups.items():
        for case in group:
            if case.owner_user_id == user.pk:
                result.mine.append(row(case))
            elif case.owner_user_id is None:
                result.unallocated.append(row(case))
            else:
                result.others.setdefault(worker, []).append(row(case))
    return result


# --- Clare's Law --------------------------------------------------------------------------


# Every MARAC case page reads them: compiled once (the case's id its only value).
_CASE_DISCLOSURES = Prepared.by_key(
    lambda case_id: (
        DisclosureRequest.objects.select_related("recorded_by")
        .filter(case_id=case_id)
        .order_by("requested_on", "pk")
    ),
    model=DisclosureRequest,
    key="case",
)


def case_disclosure_requests(*, case: Case) -> list[DisclosureRequest]:
    """The case's Clare's Law requests, oldest first; whoever may see the case may see them."""
    return _CASE_DISCLOSURES.all_of(case, field="case")


def disclosure_request_get(*, case: Case, request_id: int | str) -> DisclosureRequest:
    """One request of this case (the caller has checked the case); ``AccessDenied`` if the id
    is not one of this case's requests, so an id from another case reads as missing."""
    request = case.disclosure_requests.filter(pk=request_id).first()
    if request is None:
        raise AccessDenied(Action.VIEW, "disclosure_request", request_id)
    request.case = case
    return request
