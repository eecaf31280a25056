"""SIRM proposals (registered from ``ViolenceConfig.ready``): a ``sirm_proposal`` rule grants
all of them or none, and deciding on one needs the victim and the suspect it names, whoever
holds them."""

from casebridge.access.conditions import ALWAYS, NEVER, Condition, Link, Linked
from casebridge.access.policy import Action, Resource
from casebridge.access.registry import Protected, all_or_none, condition, extend, protect
from casebridge.accounts.models import User
from casebridge.people.models import Person
from casebridge.violence.models import SirmProposal

PROPOSALS_NAMING = Link(
    name="proposals_naming",
    model=SirmProposal,
    paths=("incident__victim_id", "incident__suspect_id"),
    fields=("pk",),
    sources=("violence.SirmProposal", "incidents.Incident"),
)


def people_in_proposals(user: User, action: str) -> Condition:
    if action != Action.VIEW:
        return NEVER
    if condition(user=user, action=Action.VIEW, model=SirmProposal) is NEVER:
        return NEVER
    return Linked(PROPOSALS_NAMING, ALWAYS)


def register_scopes() -> None:
    protect(Protected(SirmProposal, Resource.SIRM_PROPOSAL, all_or_none, fields=()))
    extend(Person, Resource.PERSON, people_in_proposals)
