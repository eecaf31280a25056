"""Reading the partnership's action plans: who may see them is decided by the policy."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from casebridge.access.policy import AccessDenied, Action, Resource, permitted, visible
from casebridge.accounts.models import User
from casebridge.plans.models import ActionPlan, Commitment, CommitmentUpdate

FINISHED = (Commitment.Status.DONE, Commitment.Status.DROPPED)


def _overdue(on: date) -> Q:
    """Due before ``on`` and neither done nor dropped."""
    return Q(due_on__lt=on) & ~Q(status__in=FINISHED)


def plan_list(*, user: User) -> QuerySet[ActionPlan]:
    """The plans the user may see, each with ``commitment_count``."""
    plans = visible(user=user, action=Action.VIEW, queryset=ActionPlan.objects.all())
    return plans.annotate(commitment_count=Count("commitments")).order_by("title")


def plan_get(*, user: User, plan_id: int | str, action: str = Action.VIEW) -> ActionPlan:
    """The plan, if the user may ``action`` it; ``AccessDenied`` otherwise (shown as 404)."""
    plan = visible(user=user, action=action, queryset=ActionPlan.objects.all())
    found = plan.filter(pk=plan_id).first()
    if found is None:
        raise AccessDenied(action, Resource.ACTION_PLAN, plan_id)
    return found


def plan_commitments(*, plan: ActionPlan, on: date) -> QuerySet[Commitment]:
    """The plan's commitments, soonest due first, each with ``overdue`` as of ``on``."""
    return (
        plan.commitments.select_related("owner_agency")
        .annotate(overdue=ExpressionWrapper(_overdue(on), output_field=BooleanField()))
        .order_by("due_on", "reference")
    )


def commitment_get(
    *, user: User, commitment_id: int | str, plan: ActionPlan, action: str = Action.VIEW
) -> Commitment:
    """One of the plan's commitments, if the user may ``action`` it; ``AccessDenied`` if not,
    or if the id is another plan's, so it reads as missing."""
    commitments = visible(user=user, action=action, queryset=plan.commitments.all())
    commitment = commitments.select_related("owner_agency").filter(pk=commitment_id).first()
    if commitment is None:
        raise AccessDenied(action, "commitment", commitment_id)
    commitment.plan = plan
    return commitment


def commitment_history(*, commitment: Commitment) -> QuerySet[CommitmentUpdate]:
    """The commitment's status updates, oldest first."""
    return commitment.updates.select_related("updated_by").order_by("updated_at", "pk")


@dataclass(frozen=True)
class PlanSummary:
    """How a plan stands on a day: ``by_status`` has every status, in order, as
    (code, label, count), zeros included, so a report's table keeps its shape."""

    total: int
    by_status: list[tuple[str, str, int]]
    overdue: int


def plan_summary(*, plan: ActionPlan, on: date) -> PlanSummary:
    """Counts of the plan's commitments by status, and how many are overdue on ``on``."""
    counts = plan.commitments.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=_overdue(on)),
        **{status: Count("pk", filter=Q(status=status)) for status in Commitment.Status.values},
    )
    return PlanSummary(
        total=counts["total"],
        by_status=[(s.value, s.label, counts[s.value]) for s in Commitment.Status],
        overdue=counts["overdue"],
    )


def may_view_plans(*, user: User) -> bool:
    """Whether any rule lets the user read action plans (the navigation, the list)."""
    return permitted(user=user, action=Action.VIEW, resource=Resource.ACTION_PLAN)


def may_add_commitments(*, user: User) -> bool:
    return permitted(user=user, action=Action.CREATE, resource=Resource.ACTION_PLAN)


def may_update_commitments(*, user: User) -> bool:
    return permitted(user=user, action=Action.CHANGE, resource=Resource.ACTION_PLAN)
