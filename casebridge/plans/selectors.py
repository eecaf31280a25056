"""Reading the partnership's action plans: who may see them is decided by the policy."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

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


@dataclass(frozen=True)
class CommitmentStanding:
    """A commitment as it stood at the end of a day: the status its latest update by then gave
    it (not started before any), and whether it was overdue then."""

    commitment: Commitment
    status: str
    status_label: str
    overdue: bool


def plan_standing(*, plan: ActionPlan, on: date) -> list[CommitmentStanding]:
    """The plan's commitments made by the end of ``on``, as they stood then (a board report for
    a past quarter shows that quarter's position, not today's), soonest due first."""
    day_end = datetime.combine(
        on + timedelta(days=1), time(), tzinfo=timezone.get_current_timezone()
    )
    latest = CommitmentUpdate.objects.filter(
        commitment=OuterRef("pk"), updated_at__lt=day_end
    ).order_by("-updated_at", "-pk")
    commitments = (
        plan.commitments.filter(created_at__lt=day_end)
        .select_related("owner_agency")
        .annotate(status_then=Subquery(latest.values("status")[:1]))
        .order_by("due_on", "reference")
    )
    labels = dict(Commitment.Status.choices)
    standings = []
    for commitment in commitments:
        status = commitment.status_then or Commitment.Status.NOT_STARTED
        overdue = commitment.due_on < on and status not in FINISHED
        standings.append(CommitmentStanding(commitment, status, labels[status], overdue))
    return standings


def may_view_plans(*, user: User) -> bool:
    """Whether any rule lets the user read action plans (the navigation, the list)."""
    return permitted(user=user, action=Action.VIEW, resource=Resource.ACTION_PLAN)


def may_add_commitments(*, user: User) -> bool:
    return permitted(user=user, action=Action.CREATE, resource=Resource.ACTION_PLAN)


def may_update_commitments(*, user: User) -> bool:
    return permitted(user=user, action=Action.CHANGE, resource=Resource.ACTION_PLAN)
