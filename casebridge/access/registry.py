"""Which records the policy protects, and what each rule's scope means for them.

access knows no domain app: each app registers its own records from its ``AppConfig.ready``
(``protect``: the model, the resource its rules name, what each scope means, which fields the
conditions read), and may widen another app's resource with a condition of its own (``extend``:
whoever may see a case may see the people in it). The permission rules themselves are data
(``PermissionRule`` rows) and are compiled once per process for each set of roles and kind of
agency: a user holding several roles is granted what any of them is.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.db.models import Count, Max, Model, Q
from django.db.models.signals import post_delete, post_init, post_save

from casebridge.access.conditions import ALWAYS, NEVER, Condition, all_of, any_of, equals
from casebridge.access.facts import facts_for
from casebridge.access.models import PermissionRule
from casebridge.accounts.models import User
from casebridge.core import fingerprints

Scope = PermissionRule.Scope
ScopeCondition = Callable[[User, str], Condition]  # (user, scope) -> condition
ActionCondition = Callable[[User, str], Condition]  # (user, action) -> condition


@dataclass(frozen=True)
class Grant:
    scope: str
    pathway_id: int | None


Rules = dict[tuple[str, str], tuple[Grant, ...]]  # (resource, action) -> grants


@dataclass(frozen=True)
class Protected:
    """One kind of record under one resource's rules.

    Attributes:
        scope: what each rule's scope grants this user.
        fields: the record's fields the conditions read (``pk`` included when read).
        pathway_field: where the record says its pathway, for rules limited to one.
        narrow: a condition every granted record must also meet (a sealed case).
    """

    model: type[Model]
    resource: str
    scope: ScopeCondition
    fields: tuple[str, ...]
    pathway_field: str = ""
    narrow: Callable[[User], Condition] | None = None


_protected: dict[tuple[type[Model], str], Protected] = {}
_default_resource: dict[type[Model], str] = {}
_extensions: dict[tuple[type[Model], str], list[ActionCondition]] = {}
_state_fields: dict[type[Model], tuple[str, ...]] = {}


def protect(protected: Protected, *, default: bool = True) -> None:
    """Put a model under a resource's rules (call from ``AppConfig.ready``; idempotent).

    ``default``: this is the resource ``visible`` and ``authorize`` use for the model unless
    told another (a refuge is a ``refuge``; its stays and its address are other resources).
    """
    model = protected.model
    _protected[(model, protected.resource)] = protected
    if default:
        _default_resource[model] = protected.resource
    fields = set(_state_fields.get(model, ())) | set(protected.fields) | {"pk"}
    _state_fields[model] = tuple(sorted(fields))
    post_init.connect(_remember_state, sender=model, dispatch_uid=f"access-state-{model}")
    post_save.connect(_remember_state, sender=model, dispatch_uid=f"access-saved-{model}")


def extend(model: type[Model], resource: str, condition: ActionCondition) -> None:
    """Let ``condition`` also grant ``resource`` on ``model``, whatever the rules' scopes."""
    extensions = _extensions.setdefault((model, resource), [])
    if condition not in extensions:
        extensions.append(condition)


def protected(model: type[Model], resource: str | None = None) -> Protected:
    return _protected[(model, resource or _default_resource[model])]


# --- a record's state as stored -------------------------------------------------------------


def _remember_state(sender: type[Model], instance: Model, **kwargs: object) -> None:
    """Keep the fields a check reads as they were loaded (or last saved).

    A form may change a loaded record before the service checks it (a case's owner, say); the
    check must judge the record as stored, as the query would. A record loaded without one of
    the fields (``only()``, ``defer()``) keeps no state and is checked in the database.
    """
    values = instance.__dict__
    pk_name = sender._meta.pk.attname
    state = {}
    for name in _state_fields[sender]:
        attname = pk_name if name == "pk" else name
        if attname not in values:
            instance.__dict__.pop("_access_state", None)
            return
        state[name] = values[attname]
    instance.__dict__["_access_state"] = state


def state_fields(model: type[Model]) -> tuple[str, ...]:
    """The fields of ``model`` its records' conditions read (``pk`` included)."""
    return _state_fields[model]


def stored_state(obj: Model) -> dict[str, object] | None:
    state: dict[str, object] | None = obj.__dict__.get("_access_state")
    return state


# --- rules, compiled once per process --------------------------------------------------------

_compiled: dict[tuple[frozenset[int], str], Rules] = {}
_compiled_fingerprint: list[tuple[Hashable, ...]] = []


def _forget_compiled(**kwargs: object) -> None:
    _compiled.clear()
    _compiled_fingerprint.clear()


post_save.connect(_forget_compiled, sender=PermissionRule, dispatch_uid="access-rules-save")
post_delete.connect(_forget_compiled, sender=PermissionRule, dispatch_uid="access-rules-delete")


RULES_FINGERPRINT = "permission rules"


def register_fingerprint() -> None:
    """``sync-definitions`` replaces every rule, so the number of rules or the highest id moves
    whenever another process has changed them."""
    fingerprints.register(
        RULES_FINGERPRINT, PermissionRule.objects.all(), count=Count("pk"), last=Max("pk")
    )


def _check_fingerprint() -> None:
    fingerprint = fingerprints.get(RULES_FINGERPRINT)
    if _compiled_fingerprint != [fingerprint]:
        _compiled.clear()
        _compiled_fingerprint[:] = [fingerprint]


def _compile(role_ids: frozenset[int], agency_kind: str) -> Rules:
    """The union of the roles' grants: one grant per distinct scope and pathway."""
    grants: dict[tuple[str, str], list[Grant]] = {}
    rules = PermissionRule.objects.filter(role_id__in=sorted(role_ids)).filter(
        Q(agency_kind="") | Q(agency_kind=agency_kind)
    )
    for resource, action, scope, pathway_id in rules.values_list(
        "resource", "action", "scope", "pathway_id"
    ).order_by("pk"):
        found = grants.setdefault((resource, action), [])
        if Grant(scope, pathway_id) not in found:
            found.append(Grant(scope, pathway_id))
    return {key: tuple(found) for key, found in grants.items()}


def rules_for(user: User) -> Rules:
    """The grants of this user's roles in their kind of agency; nothing for anyone without an
    active account, a role and an agency (superusers get no bypass)."""
    cached: Rules | None = user.__dict__.get("_access_rules")
    if cached is not None:
        return cached
    rules: Rules = {}
    if user.is_authenticated and user.is_active and user.agency and user.role_ids:
        _check_fingerprint()
        key = (user.role_ids, user.agency.kind)
        if key not in _compiled:
            _compiled[key] = _compile(*key)
        rules = _compiled[key]
    user.__dict__["_access_rules"] = rules
    return rules


def grants(user: User, resource: str, action: str) -> tuple[Grant, ...]:
    return rules_for(user).get((resource, action), ())


# --- a user's condition for one kind of record ------------------------------------------------


def condition(
    *, user: User, action: str, model: type[Model], resource: str | None = None
) -> Condition:
    """What ``user`` may ``action`` among ``model``'s records, built once per user object."""
    facts = facts_for(user)
    resource = resource or _default_resource[model]
    key = (model, resource, action)
    if key not in facts.conditions:
        facts.conditions[key] = _condition(user, action, _protected[(model, resource)])
    built: Condition = facts.conditions[key]
    return built


def _condition(user: User, action: str, protected: Protected) -> Condition:
    if not user.is_authenticated:
        return NEVER
    granted = any_of(
        *(
            all_of(
                protected.scope(user, scope),
                ALWAYS
                if pathways is None
                else any_of(*(equals(protected.pathway_field, pk) for pk in sorted(pathways))),
            )
            for scope, pathways in _pathways_by_scope(
                grants(user, protected.resource, action), protected
            ).items()
        )
    )
    if protected.narrow is not None and granted is not NEVER:
        granted = all_of(granted, protected.narrow(user))
    extensions = _extensions.get((protected.model, protected.resource), [])
    return any_of(granted, *(extension(user, action) for extension in extensions))


def _pathways_by_scope(
    granted: tuple[Grant, ...], protected: Protected
) -> dict[str, set[int] | None]:
    """The pathways each scope is granted in (``None``: every pathway).

    One condition per scope, limited to its pathways, rather than one per rule: a practitioner
    sees the cases on the agendas of meetings their agency attends in four panels' pathways, and
    as four conditions the filter held that subquery four times (twice more in a person's),
    each one planned and run by the database.
    """
    pathways: dict[str, set[int] | None] = {}
    for grant in granted:
        if grant.pathway_id is None or not protected.pathway_field:
            pathways[grant.scope] = None
        else:
            limited = pathways.setdefault(grant.scope, set())
            if limited is not None:
                limited.add(grant.pathway_id)
    return pathways


# --- what scopes commonly mean ----------------------------------------------------------------


def all_or_none(user: User, scope: str) -> Condition:
    """For records that name no person (surgeries, courses, plans): all of them or none."""
    return ALWAYS if scope == Scope.ALL else NEVER


def agency_field(field: str) -> ScopeCondition:
    """ "all" is every record; any narrower scope is the records of the user's agency."""

    def scope_condition(user: User, scope: str) -> Condition:
        return ALWAYS if scope == Scope.ALL else equals(field, user.agency_id)

    return scope_condition
