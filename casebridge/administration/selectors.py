"""Reading accounts and access reviews, always through the rules: the system administrator sees
every agency's, an agency's lead their own agency's, anyone else none (``AccessDenied``)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from casebridge.access.models import PermissionRule
from casebridge.access.policy import AccessDenied, Action, Resource, permitted, visible
from casebridge.accounts.models import Invitation, User
from casebridge.accounts.services import ADMINISTRATOR_ROLE
from casebridge.administration.models import AccessReview, AccessReviewEntry
from casebridge.agencies.models import Agency, Role
from casebridge.core.periods import quarter_start


def may_administer(*, user: User) -> bool:
    """Whether a rule lets the user see accounts at all (the navigation's link)."""
    return permitted(user=user, action=Action.VIEW, resource=Resource.ACCOUNT)


def administered_agencies(*, user: User, action: str = Action.VIEW) -> QuerySet[Agency]:
    """The agencies whose accounts the user may ``action``: every one, or their own."""
    return visible(
        user=user,
        action=action,
        queryset=Agency.objects.order_by("name"),
        resource=Resource.ACCOUNT,
    )


def agency_get(*, user: User, agency_id: int, resource: str = Resource.ACCOUNT) -> Agency:
    found = visible(
        user=user,
        action=Action.VIEW,
        queryset=Agency.objects.filter(pk=agency_id),
        resource=resource,
    ).first()
    if found is None:
        raise AccessDenied(Action.VIEW, resource, agency_id)
    return found


def agency_accounts(*, user: User, agency: Agency) -> list[User]:
    """The agency's accounts the user may see, those still active first, with their roles."""
    accounts = visible(
        user=user, action=Action.VIEW, queryset=User.objects.filter(agency=agency)
    ).select_related("team")
    return list(
        accounts.prefetch_related(
            Prefetch("roles", queryset=Role.objects.order_by("name"))
        ).order_by("-is_active", "last_name", "first_name", "username")
    )


def account_get(*, user: User, user_id: int, action: str = Action.VIEW) -> User:
    """One account the user may ``action``; ``AccessDenied`` (shown as 404) otherwise."""
    found = (
        visible(user=user, action=action, queryset=User.objects.filter(pk=user_id))
        .select_related("agency", "team")
        .first()
    )
    if found is None:
        raise AccessDenied(action, Resource.ACCOUNT, user_id)
    return found


def grantable_roles(*, held_by: User | None = None) -> QuerySet[Role]:
    """Roles the web may grant (never a privileged one, nor the administrator's), and those
    ``held_by`` holds already, which the web may leave them or take away."""
    grantable = Q(privileged=False) & ~Q(code=ADMINISTRATOR_ROLE)
    if held_by is not None:
        grantable |= Q(pk__in=held_by.role_ids)
    return Role.objects.filter(grantable).order_by("name")


def open_invitation(*, user: User) -> Invitation | None:
    """The user's invitation that may still be used, if any (never its token: only its digest
    is kept)."""
    return (
        Invitation.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


# --- the quarterly access review ---------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """One active user of the agency as the review shows them."""

    user: User
    roles: list[Role]
    grants: list[str]
    last_login: datetime | None


def describe_grants(*, roles: list[Role], agency_kind: str) -> list[str]:
    """What the roles' rules grant in this kind of agency, in words, from the rules (data)."""
    rules = (
        PermissionRule.objects.filter(role__in=roles)
        .filter(Q(agency_kind="") | Q(agency_kind=agency_kind))
        .select_related("pathway")
        .order_by("resource", "action", "scope", "pathway__name")
    )
    described: list[str] = []
    for rule in rules:
        text = f"{rule.get_action_display()} {rule.get_resource_display().lower()}: "
        text += rule.get_scope_display().lower()
        if rule.pathway is not None:
            text += f" ({rule.pathway.name})"
        if text not in described:
            described.append(text)
    return described


def access_review_rows(*, user: User, agency: Agency) -> list[ReviewRow]:
    """Who in the agency can see what: each active user, their roles, what the rules grant
    them and when they last signed in."""
    rows = []
    grants: dict[tuple[int, ...], list[str]] = {}
    for account in agency_accounts(user=user, agency=agency):
        if not account.is_active:
            continue
        roles = list(account.roles.all())
        key = tuple(sorted(role.pk for role in roles))
        if key not in grants:
            grants[key] = describe_grants(roles=roles, agency_kind=agency.kind)
        rows.append(ReviewRow(account, roles, grants[key], account.last_login))
    return rows


def access_review_of(*, agency: Agency, on: date) -> AccessReview | None:
    """The agency's confirmed review of the quarter ``on`` is in, if there is one."""
    return (
        AccessReview.objects.filter(agency=agency, quarter_start=quarter_start(on))
        .select_related("confirmed_by")
        .first()
    )


def flagged_for_removal(*, agency: Agency) -> set[int]:
    """Users the agency's latest review flagged for removal who still have access."""
    latest = AccessReview.objects.filter(agency=agency).order_by("-quarter_start").first()
    if latest is None:
        return set()
    entries = AccessReviewEntry.objects.filter(review=latest, keep=False, user__is_active=True)
    return set(entries.values_list("user_id", flat=True))


def access_reviews_due(*, on: date) -> list[Agency]:
    """Agencies whose access review for the quarter ``on`` is in has not been confirmed, among
    those with anyone who can sign in: what the weekly reminder asks their leads for."""
    reviewed = AccessReview.objects.filter(quarter_start=quarter_start(on)).values("agency_id")
    return list(
        Agency.objects.filter(users__is_active=True)
        .exclude(pk__in=reviewed)
        .distinct()
        .order_by("name")
    )


def reviewable_agencies(*, user: User) -> list[tuple[Agency, AccessReview | None]]:
    """The agencies whose reviews the user may see, each with its review of this quarter."""
    today = timezone.localdate()
    agencies = visible(
        user=user,
        action=Action.VIEW,
        queryset=Agency.objects.order_by("name"),
        resource=Resource.ACCESS_REVIEW,
    )
    reviews = {
        review.agency_id: review
        for review in AccessReview.objects.filter(
            agency__in=agencies, quarter_start=quarter_start(today)
        ).select_related("confirmed_by")
    }
    return [(agency, reviews.get(agency.pk)) for agency in agencies]
