"""What a rule's scope means for accounts and access reviews (registered from
``AdministrationConfig.ready``): ``all`` is every agency's, any narrower scope the user's own
agency's. Agencies are protected too, so the agencies one may administer (or review) are found
by the same rules as their users."""

from casebridge.access.policy import Resource
from casebridge.access.registry import Protected, agency_field, protect
from casebridge.accounts.models import User
from casebridge.administration.models import AccessReview
from casebridge.agencies.models import Agency


def register_scopes() -> None:
    protect(Protected(User, Resource.ACCOUNT, agency_field("agency_id"), fields=("agency_id",)))
    protect(Protected(Agency, Resource.ACCOUNT, agency_field("pk"), fields=()))
    protect(Protected(Agency, Resource.ACCESS_REVIEW, agency_field("pk"), fields=()), default=False)
    protect(
        Protected(
            AccessReview, Resource.ACCESS_REVIEW, agency_field("agency_id"), fields=("agency_id",)
        )
    )
