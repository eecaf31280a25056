"""Django admin pages whose every write is an entry in the audit chain.

Django admin keeps its own log (``django_admin_log``), which anyone with the database can edit and
nobody verifies; it is not the audit. Every ModelAdmin in Casebridge derives from
``AuditedModelAdmin``, so an addition, change or deletion made in the admin site is recorded by
``audit_record`` in the transaction that makes it. Nothing of the audit trail itself is in the
admin site.
"""

from typing import Any

from django.contrib import admin
from django.db import models, router, transaction
from django.db.models.query import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from casebridge.audit.services import UNRECORDED, audit_record

# Never written to the audit, whatever model has them: only that they changed.
SECRET_FIELDS = frozenset({"password"})
VERBS = {"create": "Added", "change": "Changed", "delete": "Deleted"}


def _field_values(obj: models.Model) -> dict[str, Any]:
    """The object's fields as the audit shows them, related objects by name."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            values[field.name] = str(related) if related is not None else None
        else:
            values[field.name] = field.value_from_object(obj)
    return values


def _audited_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [before, after]}`` for the fields that differ; a secret is only named."""
    return {
        name: UNRECORDED if name in SECRET_FIELDS else [before.get(name), after.get(name)]
        for name in [*before, *(name for name in after if name not in before)]
        if before.get(name) != after.get(name)
    }


def _audit_admin_write(
    *, request: HttpRequest, obj: models.Model, action: str, changes: dict[str, Any]
) -> None:
    audit_record(
        actor=request.user,  # type: ignore[arg-type]  # the admin site admits only signed-in staff
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        summary=f"{VERBS[action]} {obj._meta.verbose_name} {obj} in the admin site",
        changes=changes,
    )


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions are each an audit entry.

    Many-to-many fields are not audited: no Casebridge admin form edits one.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        before = _field_values(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        changes = _audited_changes(before, _field_values(obj))
        if changes:
            action = "change" if change else "create"
            _audit_admin_write(request=request, obj=obj, action=action, changes=changes)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        changes = _audited_changes(_field_values(obj), {})
        _audit_admin_write(request=request, obj=obj, action="delete", changes=changes)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The admin's "delete selected" action runs outside a transaction of its own.
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyModelAdmin(AuditedModelAdmin):
    """For data another process owns (definitions loaded by ``sync-definitions``, sign-in logs):
    the admin site shows it and changes none of it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
