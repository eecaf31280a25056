"""Checks every training service makes before it writes."""

from datetime import date

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.core.dates import refuse_future


def require_recorder(actor: User, action: str = Action.CREATE) -> None:
    """Only roles with a ``training`` rule for ``action`` record programme and training data."""
    require_permission(user=actor, action=action, resource=Resource.TRAINING)


def require_past(day: date, *, field: str, what: str) -> None:
    """Dates recorded here are of things that have happened: never in the future."""
    refuse_future(day, field=field, message=f"{what} cannot be in the future.")
