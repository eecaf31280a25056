"""The one authorisation function of Casebridge.

Every read and write of a person, case, confidential address, panel meeting, audit entry or
training record asks this module. Permissions are data (``PermissionRule`` rows, compiled once
per process for each set of roles and kind of agency); each app registers what a rule's scope
means for its records (``casebridge.access.registry``); this module applies them:

* ``permitted`` answers "may this user do this kind of thing at all?" (function level);
* ``visible`` narrows a queryset to the rows the user may act on (object level, in the query);
* ``authorize`` checks one object against the same condition, evaluated on the object as it
  was loaded and the user's facts (loaded once per request), so a list and a page never
  disagree and a second check costs microseconds.

Nothing is allowed unless a rule grants it, and superusers get no bypass.
"""

from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import ForeignKey, Model, Q, QuerySet

from casebridge.access.conditions import NEVER, Condition
from casebridge.access.facts import AccessFacts, facts_for
from casebridge.access.models import PermissionRule
from casebridge.access.registry import condition, grants, rules_for, state_fields, stored_state
from casebridge.accounts.models import User
from casebridge.core.kept import Kept

Resource = PermissionRule.Resource
Action = PermissionRule.Action
Scope = PermissionRule.Scope
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


def permitted(*, user: User, action: str, resource: str, pathway: Model | None = None) -> bool:
    """Function-level check: does any rule let this user do ``action`` to ``resource``?"""
    return any(
        grant.pathway_id is None or (pathway is not None and grant.pathway_id == pathway.pk)
        for grant in grants(user, resource, action)
    )


def permitted_in_any_pathway(*, user: User, action: str, resource: str) -> bool:
    """Whether some rule, perhaps limited to one pathway, lets the user do this (navigation)."""
    return bool(rules_for(user).get((resource, action)))


def visible(
    *,
    user: User,
    action: str,
    queryset: QuerySet[M],
    resource: str | None = None,
    copied_from: str = "",
    one_by_one: bool = False,
) -> QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may ``action``, inside the database query.

    ``resource``: for a model under more than one resource's rules (a refuge's address).
    ``copied_from``: the rows are of another model that copies (``COPIED_FROM``) every field
    the conditions read from the protected record this foreign key names (a person's names copy
    their person's agency): each row is judged as that record, from the copies, without joining
    it (a search judges thousands of names).
    ``one_by_one``: the query judges its rows one at a time until it has enough (see
    ``Condition``); the same rows either way.
    """
    if not user.is_authenticated:
        return queryset.none()
    model: type[Model] = queryset.model
    key = "pk"
    if copied_from:
        foreign_key = queryset.model._meta.get_field(copied_from)
        assert isinstance(foreign_key, ForeignKey), copied_from
        model, key = foreign_key.remote_field.model, foreign_key.attname
        copies = getattr(queryset.model, "COPIED_FROM", {}).get(copied_from, ())
        uncopied = set(state_fields(model)) - {"pk", *copies}
        if uncopied:
            raise ImproperlyConfigured(f"{queryset.model.__name__} lacks {sorted(uncopied)}")
    granted = condition(user=user, action=action, model=model, resource=resource)
    if granted is NEVER:
        return queryset.none()
    return queryset.filter(_filter(granted, facts_for(user), key=key, one_by_one=one_by_one))


def visible_key(
    *, user: User, action: str, model: type[Model], resource: str | None = None
) -> tuple[object, ...] | None:
    """What ``visible``'s filter for this user, action and model is made of: the condition
    (changed rules give another) and what the facts may read about the user. Users with equal
    keys get the same filter, so a statement compiled once with it serves them all. ``None``
    when the user may see no such record."""
    if not user.is_authenticated:
        return None
    granted = condition(user=user, action=action, model=model, resource=resource)
    if granted is NEVER:
        return None
    return (granted, facts_for(user).user_key())


# Permission filters, kept for the life of the process: building one (a person's is a dozen
# nested EXISTS reading the user's facts as subqueries) cost about 4 ms of CPU a request. A
# filter is made only of its condition and the facts' subqueries, so it is kept per condition
# (changed rules give another condition) and per what the facts may read about the user. It
# holds no loaded ids and no time (a lapsing fact reads the clock when the query is compiled),
# so it never goes stale. Django copies a filter's expressions as it adds them to a query,
# so one filter serves any number of queries and threads. At most 500 are kept (a police
# officer's person filter holds about 65 KiB, most far less): about a hundred users' pages.
_filters: Kept[tuple[Condition, tuple[object, ...], str, str, bool], Q] = Kept(500)


def _filter(
    granted: Condition,
    facts: AccessFacts,
    prefix: str = "",
    *,
    key: str = "pk",
    one_by_one: bool = False,
) -> Q:
    return _filters.get(
        (granted, facts.user_key(), prefix, key, one_by_one),
        lambda: granted.q(facts, prefix, key=key, one_by_one=one_by_one),
    )


def visible_through(
    *, user: User, action: str, queryset: QuerySet[M], path: str, model: type[Model]
) -> QuerySet[M]:
    """Narrow ``queryset`` to the rows whose ``path`` (a required foreign key to ``model``) is a
    record ``user`` may ``action``: the same condition as ``visible``, applied through the join
    rather than as ``path IN (<every visible record>)``, a whole filter nested and relabelled
    in each query (the case page's meetings)."""
    if not user.is_authenticated:
        return queryset.none()
    granted = condition(user=user, action=action, model=model)
    if granted is NEVER:
        return queryset.none()
    return queryset.filter(_filter(granted, facts_for(user), f"{path}__"))


def allows(*, user: User, action: str, obj: Model, resource: str | None = None) -> bool:
    """Whether ``user`` may ``action`` this one object, judged as it is stored.

    A grant is found in memory; a refusal is confirmed in the database with the same condition,
    so a grant written in bulk (``bulk_create`` sends no signal to the facts) is never missed.
    """
    if not user.is_authenticated or obj.pk is None:
        return False
    model = type(obj)
    granted = condition(user=user, action=action, model=model, resource=resource)
    if granted is NEVER:
        return False
    facts = facts_for(user)
    if _holds_in_memory(granted, facts, obj):
        return True
    return model._default_manager.filter(pk=obj.pk).filter(_filter(granted, facts)).exists()


def allows_in_memory(*, user: User, action: str, obj: Model, resource: str | None = None) -> bool:
    """The object check without the database: the condition evaluated on the object's stored
    state and the user's facts. False when the object was loaded without a field it reads."""
    if not user.is_authenticated or obj.pk is None:
        return False
    granted = condition(user=user, action=action, model=type(obj), resource=resource)
    return granted is not NEVER and _holds_in_memory(granted, facts_for(user), obj)


def _holds_in_memory(granted: Condition, facts: AccessFacts, obj: Model) -> bool:
    state = stored_state(obj)
    return state is not None and state["pk"] == obj.pk and granted.holds(facts, state)


def authorize(*, user: User, action: str, obj: Model, resource: str | None = None) -> None:
    """Raise ``AccessDenied`` unless ``user`` may ``action`` this one object."""
    if not allows(user=user, action=action, obj=obj, resource=resource):
        raise AccessDenied(action, resource or type(obj).__name__.lower(), obj.pk)


def require_permission(
    *, user: User, action: str, resource: str, pathway: Model | None = None
) -> None:
    """Raise ``AccessDenied`` unless a rule lets ``user`` do ``action`` to ``resource``."""
    if not permitted(user=user, action=action, resource=resource, pathway=pathway):
        raise AccessDenied(action, resource)


def authorize_stays(*, user: User, action: str, refuge: Model) -> None:
    """Raise ``AccessDenied`` unless ``user`` may ``action`` the stays at this refuge (see its
    residents, record arrivals and departures)."""
    authorize(user=user, action=action, obj=refuge, resource=Resource.REFUGE_STAY)


def visible_refuge_addresses(*, user: User, queryset: QuerySet[M]) -> QuerySet[M]:
    """Narrow ``queryset`` to the refuges whose restricted address ``user`` may see: the
    provider's staff (a ``refuge_address`` rule) and users explicitly entitled to it.

    Break-glass opens a person's records, never a refuge's address.
    """
    return visible(
        user=user, action=Action.VIEW, queryset=queryset, resource=Resource.REFUGE_ADDRESS
    )
