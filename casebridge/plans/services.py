"""Keeping the partnership's action plans up to date: plans, their commitments and each
commitment's status updates (the history is kept; the commitment shows the latest)."""

import re
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.plans.models import ActionPlan, Commitment, CommitmentUpdate

CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NOTE_LIMIT = 2_000


def _required(value: str, *, field: str, message: str, limit: int | None = None) -> str:
    value = value.strip()
    if not value:
        raise ApplicationError(message, field=field)
    if limit is not None and len(value) > limit:
        raise ApplicationError(f"Keep it to {limit:,} characters or fewer.", field=field)
    return value


@transaction.atomic
def action_plan_create(*, actor: User, code: str, title: str, description: str = "") -> ActionPlan:
    """Add an action plan.

    Args:
        actor: a coordinator or analyst (an ``action_plan`` create rule).
        code: a short unique name for links and reports, such as ``london-blueprint``.
        title: the plan's title.
        description: what the plan is for.

    Raises:
        AccessDenied: the actor may not create action plans.
        ApplicationError: a missing title, or a code that is malformed or taken.
    """
    require_permission(user=actor, action=Action.CREATE, resource=Resource.ACTION_PLAN)
    code = code.strip().lower()
    if not CODE.match(code) or len(code) > 50:
        raise ApplicationError(
            "Enter a code of up to 50 lower-case letters, digits and hyphens, like "
            "london-blueprint.",
            field="code",
        )
    if ActionPlan.objects.filter(code=code).exists():
        raise ApplicationError(f"There is already a plan with the code {code}.", field="code")
    title = _required(title, field="title", message="Enter the plan's title.", limit=200)
    plan = ActionPlan.objects.create(code=code, title=title, description=description.strip())
    audit_record(
        actor=actor,
        action="create",
        object_type=Resource.ACTION_PLAN,
        object_id=plan.pk,
        summary=f"Added action plan {title}",
        changes={"code": [None, code], "title": [None, title]},
    )
    return plan


@transaction.atomic
def commitment_create(
    *,
    actor: User,
    plan: ActionPlan,
    reference: str,
    commitment: str,
    owner_agency: Agency,
    owner: str,
    due_on: date,
) -> Commitment:
    """Add a commitment to a plan; it starts not started.

    Args:
        actor: a coordinator or analyst (an ``action_plan`` create rule).
        plan: the plan it belongs to.
        reference: its number in the plan, such as 2.3; unique in the plan.
        commitment: what was committed to.
        owner_agency: the agency that answers for it.
        owner: who in that agency answers for it (a job title, never a person's name).
        due_on: when it is due; may be past, for a plan recorded after it was agreed.

    Raises:
        AccessDenied: the actor may not create action plans.
        ApplicationError: a missing value, or a reference the plan already has.
    """
    require_permission(user=actor, action=Action.CREATE, resource=Resource.ACTION_PLAN)
    reference = _required(
        reference, field="reference", message="Enter the commitment's number.", limit=12
    )
    if plan.commitments.filter(reference=reference).exists():
        raise ApplicationError(
            f"{plan.title} already has a commitment {reference}.", field="reference"
        )
    commitment = _required(commitment, field="commitment", message="Enter the commitment.")
    owner = _required(owner, field="owner", message="Enter who answers for it.", limit=200)
    created = Commitment.objects.create(
        plan=plan,
        reference=reference,
        commitment=commitment,
        owner_agency=owner_agency,
        owner=owner,
        due_on=due_on,
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="commitment",
        object_id=created.pk,
        summary=f"Added commitment {reference} to {plan.title}",
        changes={
            "plan": plan.code,
            "reference": [None, reference],
            "owner_agency": [None, owner_agency.code],
            "owner": [None, owner],
            "due_on": [None, due_on],
            "status": [None, created.status],
        },
    )
    return created


@transaction.atomic
def commitment_update(
    *,
    actor: User,
    commitment: Commitment,
    status: str,
    note: str,
    at: datetime | None = None,
) -> CommitmentUpdate:
    """Give a commitment a status with a note on progress; the update joins its history.

    The same status again is a progress report. ``at`` back-dates the update (a plan's
    history entered afterwards); it may not be in the future or before the latest update, so
    the commitment's status is always its latest update's.

    Raises:
        AccessDenied: the actor may not change action plans.
        ApplicationError: an unknown status, no note, or an impossible time.
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.ACTION_PLAN)
    # The row lock serialises updates, so the latest update and the status agree.
    commitment = Commitment.objects.select_for_update().select_related("plan").get(pk=commitment.pk)
    if status not in Commitment.Status.values:
        raise ApplicationError("Select the commitment's status.", field="status")
    note = _required(
        note, field="note", message="Say what progress has been made.", limit=NOTE_LIMIT
    )
    now = timezone.now()
    at = at or now
    if at > now:
        raise ApplicationError("The update cannot be in the future.", field="at")
    latest = commitment.updates.order_by("-updated_at", "-id").first()
    if latest is not None and at < latest.updated_at:
        raise ApplicationError(
            "The update cannot come before the latest one, of "
            f"{timezone.localtime(latest.updated_at):%-d %B %Y %H:%M}.",
            field="at",
        )
    previous = commitment.status
    update = CommitmentUpdate.objects.create(
        commitment=commitment, status=status, note=note, updated_by=actor, updated_at=at
    )
    commitment.status = status
    commitment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="change",
        object_type="commitment",
        object_id=commitment.pk,
        summary=(
            f"{commitment.plan.title} {commitment.reference}: "
            f"{Commitment.Status(status).label.lower()}"
        ),
        changes={"status": [previous, status], "at": at},
    )
    return update
