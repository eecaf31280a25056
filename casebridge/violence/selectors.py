"""Reading SIRM proposals: only their coordinators see them."""

from uuid import UUID

from django.db.models import QuerySet

from casebridge.access.policy import AccessDenied, Action, Resource, permitted, visible
from casebridge.accounts.models import User
from casebridge.violence.models import SirmProposal


def may_view_sirm_proposals(*, user: User) -> bool:
    return permitted(user=user, action=Action.VIEW, resource=Resource.SIRM_PROPOSAL)


def may_decide_sirm_proposals(*, user: User) -> bool:
    return permitted(user=user, action=Action.CHANGE, resource=Resource.SIRM_PROPOSAL)


def sirm_proposals(*, user: User, status: str | None = None) -> QuerySet[SirmProposal]:
    """The proposals the user may see, newest first, optionally of one status."""
    proposals = visible(
        user=user, action=Action.VIEW, queryset=SirmProposal.objects.all()
    ).select_related(
        "incident",
        "incident__reporting_agency",
        "case",
        "decided_by",
    )
    if status:
        proposals = proposals.filter(status=status)
    return proposals


def sirm_proposal_get(*, user: User, proposal_id: UUID | str) -> SirmProposal:
    """One proposal, if the user may see it; ``AccessDenied`` (shown as 404) otherwise."""
    proposal = (
        sirm_proposals(user=user)
        .select_related("incident__victim", "incident__suspect")
        .prefetch_related("incident__victim__names", "incident__suspect__names")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise AccessDenied(Action.VIEW, Resource.SIRM_PROPOSAL, proposal_id)
    return proposal
