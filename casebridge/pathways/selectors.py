"""Reading cases, narrowed to what the user may see inside the query."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    permitted,
    permitted_in_any_pathway,
    visible,
)
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case, CaseEvent, CasePerson, Pathway


def case_get(*, user: User, case_id: UUID | str, action: str = Action.VIEW) -> Case:
    """The case, if the user may ``action`` it; ``AccessDenied`` otherwise (shown as 404)."""
    cases = visible(user=user, action=action, queryset=Case.objects.all())
    case = (
        cases.select_related(
            "pathway", "subject", "owner_agency", "owner_team", "owner_user", "referring_agency"
        )
        .prefetch_related("subject__names")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise AccessDenied(action, "case", case_id)
    return case


def case_list(
    *, user: User, pathway: Pathway | None = None, open_only: bool = False
) -> QuerySet[Case]:
    cases = visible(user=user, action=Action.VIEW, queryset=Case.objects.all())
    if pathway is not None:
        cases = cases.filter(pathway=pathway)
    if open_only:
        cases = cases.exclude(_terminal_states())
    return (
        cases.select_related("pathway", "subject", "owner_agency")
        .prefetch_related("subject__names")
        .order_by("-referred_at")
    )


def _terminal_states() -> Q:
    condition = Q(pk__in=[])
    for pathway in Pathway.objects.all():
        terminal = [s["code"] for s in pathway.definition["states"] if s.get("terminal")]
        condition |= Q(pathway=pathway, state__in=terminal)
    return condition


def case_people(*, case: Case) -> QuerySet[CasePerson]:
    """The other people in a case; whoever may see the case may see them."""
    return case.people.select_related("person").prefetch_related("person__names")


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.timeline.select_related("actor")


def pathways_open_to(*, user: User) -> list[Pathway]:
    return [
        p
        for p in Pathway.objects.filter(is_active=True)
        if permitted(user=user, action=Action.CREATE, resource=Resource.CASE, pathway=p)
    ]


def my_open_cases(*, user: User) -> QuerySet[Case]:
    """Open cases the user may see and owns or referred: their home page worklist."""
    return case_list(user=user, open_only=True).filter(Q(owner_user=user) | Q(referred_by=user))


def may_view_cases(*, user: User) -> bool:
    """Whether any rule lets the user see cases, in any pathway (for navigation links)."""
    return permitted_in_any_pathway(user=user, action=Action.VIEW, resource=Resource.CASE)


def available_transitions(*, user: User, case: Case) -> list[dict[str, Any]]:
    """The transitions this user may take from the case's current state."""
    role = user.role.code if user.role_id and user.role else None
    return [t for t in case.pathway.transitions_from(case.state) if role in t["roles"]]


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
    """What the user may do to a case now: move it on, or record casework on it."""

    transitions: list[dict[str, Any]]
    activities: list[dict[str, str]]


def case_next_steps(*, user: User, case: Case) -> NextSteps:
    """The transitions and casework to offer; none unless the user may change this case."""
    if not may_change_case(user=user, case=case):
        return NextSteps([], [])
    activities = [] if case.is_closed else list(case.pathway.definition.get("activities", []))
    return NextSteps(available_transitions(user=user, case=case), activities)


def may_change_case(*, user: User, case: Case) -> bool:
    """Whether the user may change this case at all."""
    return visible(
        user=user, action=Action.CHANGE, queryset=Case.objects.filter(pk=case.pk)
    ).exists()
