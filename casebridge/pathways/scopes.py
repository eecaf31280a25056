"""What a rule's scope means for cases, and who may see the people in them (registered with
the policy from ``PathwaysConfig.ready``)."""

from casebridge.access.conditions import (
    ALWAYS,
    NEVER,
    Among,
    Condition,
    Link,
    Linked,
    any_of,
    equals,
)
from casebridge.access.policy import Action, Resource, Scope
from casebridge.access.registry import Protected, condition, extend, protect
from casebridge.accounts.models import User
from casebridge.pathways.models import Case
from casebridge.people.models import Person

CASE_FIELDS = (
    "pk",
    "subject_id",
    "pathway_id",
    "owner_agency_id",
    "referring_agency_id",
    "owner_team_id",
    "owner_user_id",
    "referred_by_id",
    "is_restricted",
)
# A person's cases: as their subject, or named in them.
PERSON_CASES = Link(
    name="person_cases",
    model=Case,
    paths=("subject_id", "people__person_id"),
    fields=CASE_FIELDS,
    sources=("pathways.Case", "pathways.CasePerson"),
)


def case_scope(user: User, scope: str) -> Condition:
    if scope == Scope.ALL:
        return ALWAYS
    if scope == Scope.AGENCY:
        return any_of(
            equals("owner_agency_id", user.agency_id),
            equals("referring_agency_id", user.agency_id),
        )
    if scope == Scope.TEAM:
        return equals("owner_team_id", user.team_id)
    if scope == Scope.OWN:
        return any_of(equals("owner_user_id", user.pk), equals("referred_by_id", user.pk))
    if scope == Scope.ATTENDEE and user.agency_id:
        # On the agenda of a meeting the user's agency attends (a fact the panels app keeps):
        # a panel shares only its cases.
        return Among("pk", "attended_cases")
    return NEVER


def unsealed(user: User) -> Condition:
    """A sealed case is only for those explicitly entitled, or who broke the glass with a
    reason."""
    return any_of(
        equals("is_restricted", False),
        Among("pk", "entitled_cases"),
        Among("subject_id", "broken_glass"),
    )


def people_in_visible_cases(user: User, action: str) -> Condition:
    """Whoever may see a case may see the people in it."""
    if action != Action.VIEW:
        return NEVER
    cases = condition(user=user, action=Action.VIEW, model=Case)
    return NEVER if cases is NEVER else Linked(PERSON_CASES, cases)


def register_scopes() -> None:
    protect(
        Protected(
            model=Case,
            resource=Resource.CASE,
            scope=case_scope,
            fields=CASE_FIELDS,
            pathway_field="pathway_id",
            narrow=unsealed,
        )
    )
    extend(Person, Resource.PERSON, people_in_visible_cases)
