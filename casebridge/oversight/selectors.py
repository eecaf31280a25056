"""Reading the audit trail and the break-glass register: information governance only."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from casebridge.access.models import BreakGlass
from casebridge.access.policy import AccessDenied, Action, Resource, require_permission, visible
from casebridge.accounts.models import User
from casebridge.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def audit_search(*, user: User, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Audit entries the user may read, newest first; ``AccessDenied`` if they may read none."""
    require_permission(user=user, action=Action.VIEW, resource=Resource.AUDIT)
    events = visible(user=user, action=Action.VIEW, queryset=AuditEvent.objects.all())
    if filters.username:
        events = events.filter(actor_username__iexact=filters.username.strip())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id.strip())
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-sequence")


def break_glass_pending(*, user: User) -> QuerySet[BreakGlass]:
    """Break-glass uses nobody has reviewed yet, oldest first."""
    require_permission(user=user, action=Action.VIEW, resource=Resource.AUDIT)
    return (
        BreakGlass.objects.filter(reviewed_at__isnull=True)
        .select_related("user", "user__agency")
        .order_by("opened_at")
    )


def break_glass_get(*, user: User, access_id: int) -> BreakGlass:
    pending = break_glass_pending(user=user).filter(pk=access_id).first()
    if pending is None:
        raise AccessDenied("review", "break_glass", access_id)
    return pending
