"""The one authorisation function of Casebridge.

Every read and write of a person, case, confidential address, panel meeting, audit entry or
training record asks this module. Permissions are data (``PermissionRule`` rows); this module
is the engine that applies them:

* ``permitted`` answers "may this user do this kind of thing at all?" (function level);
* ``visible`` narrows a queryset to the rows the user may act on (object level, in the query);
* ``authorize`` checks one object with the same query, so a list and a page never disagree.

Nothing is allowed unless a rule grants it, and superusers get no bypass.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from casebridge.access.models import BreakGlass, Entitlement, PermissionRule
from casebridge.accounts.models import User
from casebridge.audit.models import AuditEvent
from casebridge.imports.models import ImportBatch
from casebridge.panels.models import AgendaItem, Meeting, MeetingAttendee
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.people.models import Address, Person
from casebridge.plans.models import ActionPlan, Commitment
from casebridge.refuges.models import Refuge, Stay
from casebridge.training.models import Course, GPSurgery, TrainingSession
from casebridge.violence.models import SirmProposal

Resource = PermissionRule.Resource
Action = PermissionRule.Action
Scope = PermissionRule.Scope
# Q() means "no condition" and vanishes when OR-ed, so "all rows" needs a real condition.
NOTHING = Q(pk__in=[])
EVERYTHING = Q(pk__isnull=False)
M = TypeVar("M", bound=Model)


class AccessDenied(Exception):
    """The user may not do this. Views show it as 404 for records, so ids can't be probed.

    It names what was refused, so the refusal can be audited: ``action`` on ``object_type``
    (a resource such as "person" or "case") and, for one record, its ``object_id``.
    """

    def __init__(self, action: str, object_type: str, object_id: object = "") -> None:
        super().__init__(f"{action} {object_type} {object_id}".strip())
        self.action = action
        self.object_type = object_type
        self.object_id = str(object_id)


def rules_for(user: User) -> list[PermissionRule]:
    """The rules that apply to this user's role and agency, cached on the user for the request."""
    cached: list[PermissionRule] | None = getattr(user, "_casebridge_rules", None)
    if cached is not None:
        return cached
    rules: list[PermissionRule] = []
    if user.is_authenticated and user.is_active and user.role_id and user.agency:
        rules = list(
            PermissionRule.objects.filter(role_id=user.role_id)
            .filter(Q(agency_kind="") | Q(agency_kind=user.agency.kind))
            .select_related("pathway")
        )
    setattr(user, "_casebridge_rules", rules)  # noqa: B010  (a per-request cache on the user)
    return rules


def _matching(user: User, resource: str, action: str) -> list[PermissionRule]:
    return [r for r in rules_for(user) if r.resource == resource and r.action == action]


def permitted(*, user: User, action: str, resource: str, pathway: Pathway | None = None) -> bool:
    """Function-level check: does any rule let this user do ``action`` to ``resource``?"""
    return any(
        rule.pathway_id is None or (pathway is not None and rule.pathway_id == pathway.pk)
        for rule in _matching(user, resource, action)
    )


def permitted_in_any_pathway(*, user: User, action: str, resource: str) -> bool:
    """Whether some rule, perhaps limited to one pathway, lets the user do this (navigation)."""
    return bool(_matching(user, resource, action))


# --- object level: each resource's scopes, expressed as query conditions -------------------


def _case_scope(user: User, scope: str) -> Q:
    if scope == Scope.ALL:
        return EVERYTHING
    if scope == Scope.AGENCY:
        return Q(owner_agency_id=user.agency_id) | Q(referring_agency_id=user.agency_id)
    if scope == Scope.TEAM:
        return Q(owner_team_id=user.team_id) if user.team_id else NOTHING
    if scope == Scope.OWN:
        return Q(owner_user_id=user.pk) | Q(referred_by_id=user.pk)
    if scope == Scope.ATTENDEE:
        # On the agenda of a meeting the user's agency attends: a panel shares only its cases.
        return Q(_attended_agenda(user.agency_id)) if user.agency_id else NOTHING
    return NOTHING


def _attended_agenda(agency_id: int) -> Exists:
    # A cancelled meeting shares nothing: its cases wait for the next agenda, and only the
    # agencies attending that one see them.
    return Exists(
        AgendaItem.objects.filter(case_id=OuterRef("pk"))
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .filter(
            Exists(
                MeetingAttendee.objects.filter(
                    meeting_id=OuterRef("meeting_id"), agency_id=agency_id
                )
            )
        )
    )


def _active_break_glass(user: User, person_ref: str) -> Exists:
    return Exists(
        BreakGlass.objects.filter(
            user_id=user.pk, person_id=OuterRef(person_ref), expires_at__gt=timezone.now()
        )
    )


def _case_condition(user: User, action: str) -> Q:
    granted = NOTHING
    for rule in _matching(user, Resource.CASE, action):
        condition = _case_scope(user, rule.scope)
        if rule.pathway_id:
            condition &= Q(pathway_id=rule.pathway_id)
        granted |= condition
    if granted == NOTHING:
        return NOTHING
    # A sealed case is only for those explicitly entitled, or who broke the glass with a reason.
    unsealed = (
        Q(is_restricted=False)
        | Exists(Entitlement.objects.filter(user_id=user.pk, case_id=OuterRef("pk")))
        | _active_break_glass(user, "subject_id")
    )
    return granted & unsealed


def _person_condition(user: User, action: str) -> Q:
    granted = NOTHING
    for rule in _matching(user, Resource.PERSON, action):
        if rule.scope == Scope.ALL:
            granted |= EVERYTHING
        elif rule.scope in (Scope.AGENCY, Scope.TEAM, Scope.OWN):
            granted |= Q(recorded_by_agency_id=user.agency_id)
    if action == Action.VIEW:
        # Whoever may see a case may see the people in it. Correlated EXISTS, not IN: with IN
        # inside an OR, PostgreSQL misjudges how many people pass and scans the whole table.
        case_condition = _case_condition(user, Action.VIEW)
        if case_condition != NOTHING:
            cases = Case.objects.filter(case_condition)
            granted |= Exists(cases.filter(subject_id=OuterRef("pk"))) | Exists(
                CasePerson.objects.filter(person_id=OuterRef("pk"), case__in=cases)
            )
        # Deciding on a SIRM proposal needs the victim and the suspect it names, whoever holds them.
        if _all_or_none(Resource.SIRM_PROPOSAL)(user, action) != NOTHING:
            proposed = SirmProposal.objects.values("incident")
            granted |= Exists(proposed.filter(incident__victim_id=OuterRef("pk"))) | Exists(
                proposed.filter(incident__suspect_id=OuterRef("pk"))
            )
    return granted


def _address_condition(user: User, action: str) -> Q:
    entitled = NOTHING
    for rule in _matching(user, Resource.CONFIDENTIAL_ADDRESS, action):
        if rule.scope == Scope.ALL:
            entitled |= EVERYTHING
        else:
            entitled |= Q(person__recorded_by_agency_id=user.agency_id)
    entitled |= Exists(
        Entitlement.objects.filter(user_id=user.pk, person_id=OuterRef("person_id"))
    ) | _active_break_glass(user, "person_id")
    return Q(is_confidential=False) | entitled


def _meeting_scope(user: User, scope: str) -> Q:
    if scope == Scope.ALL:
        return EVERYTHING
    agency_id = user.agency_id
    if not agency_id:
        return NOTHING
    attended = Q(
        Exists(MeetingAttendee.objects.filter(meeting_id=OuterRef("pk"), agency_id=agency_id))
    )
    if scope == Scope.ATTENDEE:
        return attended
    if scope == Scope.AGENCY:
        return attended | Q(chair__agency_id=user.agency_id)
    if scope == Scope.OWN:
        return Q(chair_id=user.pk)
    return NOTHING


def _meeting_condition(user: User, action: str) -> Q:
    granted = NOTHING
    for rule in _matching(user, Resource.MEETING, action):
        condition = _meeting_scope(user, rule.scope)
        if rule.pathway_id:
            condition &= Q(pathway_id=rule.pathway_id)
        granted |= condition
    return granted


def _audit_condition(user: User, action: str) -> Q:
    granted = NOTHING
    for rule in _matching(user, Resource.AUDIT, action):
        if rule.scope == Scope.ALL:
            granted |= EVERYTHING
        elif user.agency:
            granted |= Q(actor_agency=user.agency.code)
    return granted


def _all_or_none(resource: str) -> Callable[[User, str], Q]:
    """For records that name no person (surgeries, courses, action plans): a rule grants all
    of them or none."""

    def condition(user: User, action: str) -> Q:
        rules = _matching(user, resource, action)
        return EVERYTHING if any(rule.scope == Scope.ALL for rule in rules) else NOTHING

    return condition


# Refuges: a provider's staff act on their own agency's refuges; "all" is for figures only.
def _provider_scope(user: User, resource: str, action: str, prefix: str = "") -> Q:
    granted = NOTHING
    for rule in _matching(user, resource, action):
        if rule.scope == Scope.ALL:
            granted |= EVERYTHING
        elif user.agency_id:
            granted |= Q(**{f"{prefix}provider_id": user.agency_id})
    return granted


def _import_batch_condition(user: User, action: str) -> Q:
    granted = NOTHING
    for rule in _matching(user, Resource.IMPORT_BATCH, action):
        if rule.scope == Scope.ALL:
            granted |= EVERYTHING
        elif rule.scope in (Scope.AGENCY, Scope.TEAM):
            granted |= Q(imported_by_agency_id=user.agency_id)
        elif rule.scope == Scope.OWN:
            granted |= Q(imported_by_id=user.pk)
    return granted


def _refuge_entitled(user: User, ref: str = "pk") -> Exists:
    return Exists(Entitlement.objects.filter(user_id=user.pk, refuge_id=OuterRef(ref)))


def _refuge_condition(user: User, action: str) -> Q:
    granted = _provider_scope(user, Resource.REFUGE, action)
    if action == Action.VIEW:
        # Whoever is entitled to a refuge's address may also see the refuge it belongs to.
        granted |= Q(_refuge_entitled(user))
    return granted


def _stay_condition(user: User, action: str) -> Q:
    return _provider_scope(user, Resource.REFUGE_STAY, action, prefix="refuge__")


CONDITIONS: dict[type[Model], Callable[[User, str], Q]] = {
    Case: _case_condition,
    Person: _person_condition,
    Address: _address_condition,
    AuditEvent: _audit_condition,
    Meeting: _meeting_condition,
    Refuge: _refuge_condition,
    Stay: _stay_condition,
    GPSurgery: _all_or_none(Resource.TRAINING),
    Course: _all_or_none(Resource.TRAINING),
    TrainingSession: _all_or_none(Resource.TRAINING),
    ActionPlan: _all_or_none(Resource.ACTION_PLAN),
    Commitment: _all_or_none(Resource.ACTION_PLAN),
    ImportBatch: _import_batch_condition,
    SirmProposal: _all_or_none(Resource.SIRM_PROPOSAL),
}


def visible(*, user: User, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may ``action``, inside the database query."""
    if not user.is_authenticated:
        return queryset.none()
    condition = CONDITIONS[queryset.model](user, action)
    if condition == NOTHING:
        return queryset.none()
    return queryset.filter(condition)


def authorize(*, user: User, action: str, obj: Model) -> None:
    """Raise ``AccessDenied`` unless ``user`` may ``action`` this one object."""
    queryset = type(obj)._default_manager.filter(pk=obj.pk)
    if not visible(user=user, action=action, queryset=queryset).exists():
        raise AccessDenied(action, type(obj).__name__.lower(), obj.pk)


def require_permission(
    *, user: User, action: str, resource: str, pathway: Pathway | None = None
) -> None:
    """Raise ``AccessDenied`` unless a rule lets ``user`` do ``action`` to ``resource``."""
    if not permitted(user=user, action=action, resource=resource, pathway=pathway):
        raise AccessDenied(action, resource)


def authorize_stays(*, user: User, action: str, refuge: Refuge) -> None:
    """Raise ``AccessDenied`` unless ``user`` may ``action`` the stays at this refuge (see its
    residents, record arrivals and departures)."""
    condition = _provider_scope(user, Resource.REFUGE_STAY, action)
    allowed = (
        user.is_authenticated
        and condition != NOTHING
        and Refuge.objects.filter(pk=refuge.pk).filter(condition).exists()
    )
    if not allowed:
        raise AccessDenied(action, Resource.REFUGE_STAY, refuge.pk)


def visible_refuge_addresses(*, user: User, queryset: QuerySet[Refuge]) -> QuerySet[Refuge]:
    """Narrow ``queryset`` to the refuges whose restricted address ``user`` may see: the
    provider's staff (a ``refuge_address`` rule) and users explicitly entitled to it.

    Break-glass opens a person's records, never a refuge's address.
    """
    if not user.is_authenticated:
        return queryset.none()
    condition = _provider_scope(user, Resource.REFUGE_ADDRESS, Action.VIEW) | Q(
        _refuge_entitled(user)
    )
    return queryset.filter(condition)
