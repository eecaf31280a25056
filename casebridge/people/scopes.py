"""What a rule's scope means for people and their confidential addresses (registered with the
policy from ``PeopleConfig.ready``)."""

from casebridge.access.conditions import ALWAYS, NEVER, Among, Condition, any_of, equals
from casebridge.access.policy import Resource, Scope
from casebridge.access.registry import Protected, agency_field, extend, protect
from casebridge.accounts.models import User
from casebridge.people.models import Address, Person


def person_scope(user: User, scope: str) -> Condition:
    if scope == Scope.ALL:
        return ALWAYS
    if scope in (Scope.AGENCY, Scope.TEAM, Scope.OWN):
        return equals("recorded_by_agency_id", user.agency_id)
    return NEVER


def open_address(user: User, action: str) -> Condition:
    """Any address that isn't confidential; a confidential one to those entitled to the
    person's addresses or who broke the glass for them."""
    return any_of(
        equals("is_confidential", False),
        Among("person_id", "entitled_people"),
        Among("person_id", "broken_glass"),
    )


def register_scopes() -> None:
    protect(
        Protected(
            model=Person,
            resource=Resource.PERSON,
            scope=person_scope,
            fields=("recorded_by_agency_id",),
        )
    )
    protect(
        Protected(
            model=Address,
            resource=Resource.CONFIDENTIAL_ADDRESS,
            scope=agency_field("person__recorded_by_agency_id"),
            fields=("is_confidential", "person_id", "person__recorded_by_agency_id"),
        )
    )
    extend(Address, Resource.CONFIDENTIAL_ADDRESS, open_address)
