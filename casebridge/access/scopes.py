"""The facts access itself keeps about a user, and the audit log's scopes.

Entitlements and break-glass are access's own records. The audit log sits beside access at the
bottom of the layers, so it is named here rather than imported.
"""

from collections.abc import Callable

from django.apps import apps
from django.db.models import QuerySet

from casebridge.access.conditions import ALWAYS, NEVER, Condition, equals
from casebridge.access.facts import Fact, register_fact
from casebridge.access.models import BreakGlass, Entitlement, PermissionRule
from casebridge.access.registry import Protected, protect
from casebridge.accounts.models import User

Scope = PermissionRule.Scope


def _entitlements(target: str) -> Callable[[User], QuerySet[Entitlement]]:
    def rows(user: User) -> QuerySet[Entitlement]:
        return Entitlement.objects.filter(user_id=user.pk, **{f"{target}__isnull": False})

    return rows


def _break_glass(user: User) -> QuerySet[BreakGlass]:
    return BreakGlass.objects.filter(user_id=user.pk)


def _audit_scope(user: User, scope: str) -> Condition:
    if scope == Scope.ALL:
        return ALWAYS
    return equals("actor_agency", user.agency.code) if user.agency else NEVER


def register_scopes() -> None:
    for name, target in (
        ("entitled_cases", "case"),
        ("entitled_people", "person"),
        ("entitled_refuges", "refuge"),
    ):
        register_fact(
            Fact(
                name=name,
                rows=_entitlements(target),
                id_field=f"{target}_id",
                sources=("access.Entitlement",),
            )
        )
    # Open while it lasts: a fact that lapses by itself, so it is read again once one has.
    register_fact(
        Fact(
            name="broken_glass",
            rows=_break_glass,
            id_field="person_id",
            sources=("access.BreakGlass",),
            until="expires_at",
        )
    )
    protect(
        Protected(
            model=apps.get_model("audit", "AuditEvent"),
            resource=PermissionRule.Resource.AUDIT,
            scope=_audit_scope,
            fields=("actor_agency",),
        )
    )
