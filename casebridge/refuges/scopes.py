"""What a rule's scope means for refuges, their stays and their addresses (registered with the
policy from ``RefugesConfig.ready``): a provider's staff act on their own agency's refuges;
"all" is for figures only."""

from casebridge.access.conditions import NEVER, Among, Condition
from casebridge.access.policy import Action, Resource
from casebridge.access.registry import Protected, agency_field, extend, protect
from casebridge.accounts.models import User
from casebridge.refuges.models import Refuge, Stay


def entitled_refuge(user: User, action: str) -> Condition:
    """Whoever is entitled to a refuge's address may see it, and the refuge it belongs to."""
    return Among("pk", "entitled_refuges") if action == Action.VIEW else NEVER


def register_scopes() -> None:
    by_provider = agency_field("provider_id")
    protect(Protected(Refuge, Resource.REFUGE, by_provider, fields=("provider_id",)))
    protect(
        Protected(Refuge, Resource.REFUGE_STAY, by_provider, fields=("provider_id",)),
        default=False,
    )
    protect(
        Protected(Refuge, Resource.REFUGE_ADDRESS, by_provider, fields=("provider_id",)),
        default=False,
    )
    extend(Refuge, Resource.REFUGE, entitled_refuge)
    extend(Refuge, Resource.REFUGE_ADDRESS, entitled_refuge)
    protect(
        Protected(
            Stay,
            Resource.REFUGE_STAY,
            agency_field("refuge__provider_id"),
            fields=("refuge__provider_id",),
        )
    )
