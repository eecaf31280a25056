"""Administering accounts from the web: invite, set agency, team and roles, move, end access,
reset the second factor; and confirm an agency's quarterly access review.

Each checks the rules first (the system administrator: every agency; an agency's lead: their
own agency's staff), then writes through the accounts services, which refuse a privileged role
and one's own access, and audit every change in the same transaction.
"""

from collections.abc import Collection, Mapping
from datetime import date

from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from casebridge.access.models import PermissionRule
from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    authorize,
    require_permission,
    visible,
)
from casebridge.accounts.invitations import invitation_issue
from casebridge.accounts.models import User
from casebridge.accounts.services import (
    ADMINISTRATOR_ROLE,
    is_privileged,
    roles_of,
    second_factor_reset,
    user_access_change,
    user_create,
)
from casebridge.administration.models import AccessReview, AccessReviewEntry
from casebridge.administration.selectors import access_review_rows, access_reviews_due
from casebridge.agencies.models import Agency, Role, Team
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.core.periods import financial_quarter_label, quarter_start
from casebridge.notifications.services import system_notify


def _agency_check(*, actor: User, agency: Agency | None, action: str) -> None:
    """Whether the actor may put accounts in this agency (their own, for an agency's lead)."""
    if (
        agency is None
        or not visible(
            user=actor,
            action=action,
            queryset=Agency.objects.filter(pk=agency.pk),
            resource=Resource.ACCOUNT,
        ).exists()
    ):
        raise ApplicationError("Choose an agency whose accounts you manage.", field="agency")


def privileged_refusal(*, actor: User, user: User) -> str:
    """Why the actor may not change this account although the rules let them see it (it holds
    a privileged role, and they are no system administrator); empty when they may."""
    if ADMINISTRATOR_ROLE in actor.role_codes or not any(
        is_privileged(role) for role in roles_of(user)
    ):
        return ""
    return (
        f"{user.username} holds a privileged role: only a system administrator changes their "
        "access."
    )


def _account_check(*, actor: User, user: User) -> None:
    """The actor may change this account; a privileged account only a system administrator."""
    authorize(user=actor, action=Action.CHANGE, obj=user)
    refusal = privileged_refusal(actor=actor, user=user)
    if refusal:
        raise ApplicationError(refusal)


@transaction.atomic
def user_invite(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    agency: Agency,
    team: Team | None,
    roles: Collection[Role],
    reason: str,
) -> tuple[User, str]:
    """Make an account that cannot sign in until its holder follows the one-time link whose
    token is returned (shown once, to the actor), sets a password and enrols an authenticator
    app at their first sign-in.

    Raises:
        AccessDenied: the actor may invite nobody.
        ApplicationError: another agency than the actor's (for a lead), a username taken, a
            privileged role, a team of another agency, or no reason.
    """
    require_permission(user=actor, action=Action.CREATE, resource=Resource.ACCOUNT)
    _agency_check(actor=actor, agency=agency, action=Action.CREATE)
    if not roles:
        raise ApplicationError("Choose at least one role.", field="roles")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(f"The username {username} is taken.", field="username")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        agency=agency,
        team=team,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user_create(actor=actor, user=user, roles=roles, reason=reason)
    except IntegrityError as error:  # the same username, invited at the same moment
        raise ApplicationError(f"The username {username} is taken.", field="username") from error
    return user, invitation_issue(actor=actor, user=user)


@transaction.atomic
def invitation_renew(*, actor: User, user: User) -> str:
    """A new one-time link for someone invited who has not yet set a password (theirs expired
    or was lost); earlier links stop working."""
    _account_check(actor=actor, user=user)
    return invitation_issue(actor=actor, user=user)


@transaction.atomic
def user_access_set(
    *,
    actor: User,
    user: User,
    agency: Agency,
    team: Team | None,
    roles: Collection[Role],
    reason: str,
) -> User:
    """Set someone's agency, team and roles: a move to another agency or team, or a change of
    roles. Their next request is judged by the new access.

    Raises:
        AccessDenied: the actor may not change this account.
        ApplicationError: an agency the actor does not manage, their own account, a privileged
            role, a team of another agency, no role, or no reason.
    """
    _account_check(actor=actor, user=user)
    _agency_check(actor=actor, agency=agency, action=Action.CHANGE)
    if not roles:
        raise ApplicationError(
            "Choose at least one role; to stop them signing in, end their access.", field="roles"
        )
    moved = agency.pk != user.agency_id
    return user_access_change(
        actor=actor,
        user=user,
        roles=roles,
        agency=agency,
        team=team,
        is_active=user.is_active,
        reason=reason,
        summary=(
            f"Moved {user.username} to {agency.name}"
            if moved
            else f"Changed the team or roles of {user.username}"
        ),
    )


@transaction.atomic
def user_access_end(*, actor: User, user: User, reason: str) -> User:
    """End someone's access (a leaver): the account stays, named in the audit trail, but can
    no longer sign in, and their open sessions end at once.

    Raises:
        AccessDenied: the actor may not change this account.
        ApplicationError: their own account, an account already ended, or no reason.
    """
    _account_check(actor=actor, user=user)
    if not user.is_active:
        raise ApplicationError(f"{user.username}'s access has already ended.")
    return user_access_change(
        actor=actor,
        user=user,
        roles=roles_of(user),
        agency=user.agency,
        team=user.team,
        is_active=False,
        reason=reason,
        summary=f"Ended the access of {user.username}",
    )


@transaction.atomic
def user_second_factor_reset(*, actor: User, user: User, reason: str) -> User:
    """Withdraw someone's authenticator app: they sign in again and enrol a new one."""
    _account_check(actor=actor, user=user)
    return second_factor_reset(actor=actor, user=user, reason=reason)


@transaction.atomic
def access_review_confirm(
    *, actor: User, agency: Agency, keep: Mapping[int, bool], note: str
) -> AccessReview:
    """The agency's lead confirms this quarter's access review: every active user of the
    agency kept or flagged for removal (``keep``: user id to decision, one for each). Those
    flagged keep their access until an administrator ends it; the audit entry is flagged so
    they are followed up.

    Raises:
        AccessDenied: the actor may not confirm this agency's review.
        ApplicationError: a user without a decision, or the quarter's review already confirmed.
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.ACCESS_REVIEW)
    if not visible(
        user=actor,
        action=Action.CHANGE,
        queryset=Agency.objects.filter(pk=agency.pk),
        resource=Resource.ACCESS_REVIEW,
    ).exists():
        raise AccessDenied(Action.CHANGE, Resource.ACCESS_REVIEW, agency.pk)
    rows = access_review_rows(user=actor, agency=agency)
    undecided = [row.user.username for row in rows if row.user.pk not in keep]
    if undecided:
        raise ApplicationError(f"Decide for everyone: {', '.join(undecided)}.")
    today = timezone.localdate()
    if AccessReview.objects.filter(agency=agency, quarter_start=quarter_start(today)).exists():
        raise ApplicationError(
            f"{agency.name}'s access review for {financial_quarter_label(today)} is confirmed "
            "already."
        )
    review = AccessReview.objects.create(
        agency=agency,
        quarter_start=quarter_start(today),
        confirmed_by=actor,
        confirmed_at=timezone.now(),
        note=note.strip(),
    )
    AccessReviewEntry.objects.bulk_create(
        AccessReviewEntry(
            review=review,
            user=row.user,
            roles=[role.code for role in row.roles],
            keep=keep[row.user.pk],
        )
        for row in rows
    )
    flagged = sorted(row.user.username for row in rows if not keep[row.user.pk])
    audit_record(
        actor=actor,
        action="change",
        object_type="access_review",
        object_id=review.pk,
        summary=(
            f"Confirmed the access review of {agency.name} for {financial_quarter_label(today)}"
        ),
        changes={
            "kept": sorted(row.user.username for row in rows if keep[row.user.pk]),
            "flagged_for_removal": flagged,
        },
        reason=review.note,
        flagged=bool(flagged),
    )
    return review


def _may(*, action: str, agencies: list[Agency]) -> dict[User, set[int]]:
    """Active users whose roles have a rule for ``action`` on access reviews, each with the
    ids of the ``agencies`` they may ``action`` the review of."""
    roles = PermissionRule.objects.filter(resource=Resource.ACCESS_REVIEW, action=action)
    users = User.objects.filter(is_active=True, roles__in=roles.values("role")).distinct()
    return {
        user: set(
            visible(
                user=user,
                action=action,
                queryset=Agency.objects.filter(pk__in=[agency.pk for agency in agencies]),
                resource=Resource.ACCESS_REVIEW,
            ).values_list("pk", flat=True)
        )
        for user in users
    }


def access_reviews_remind(*, today: date | None = None) -> int:
    """Weekly (schedules.yaml): tell whoever may confirm an agency's access review that this
    quarter's is due (its lead); where nobody may, tell whoever may see the review (the system
    administrator) that the agency needs a lead. Returns how many users were told."""
    today = today or timezone.localdate()
    due = access_reviews_due(on=today)
    if not due:
        return 0
    confirmers = _may(action=Action.CHANGE, agencies=due)
    viewers: dict[User, set[int]] = {}
    to_confirm: dict[User, int] = {}
    without_a_lead: dict[User, int] = {}
    for agency in due:
        confirming = [user for user, agencies in confirmers.items() if agency.pk in agencies]
        if not confirming:
            viewers = viewers or _may(action=Action.VIEW, agencies=due)
            confirming = [user for user, agencies in viewers.items() if agency.pk in agencies]
            for user in confirming:
                without_a_lead[user] = without_a_lead.get(user, 0) + 1
            continue
        for user in confirming:
            to_confirm[user] = to_confirm.get(user, 0) + 1
    quarter = financial_quarter_label(today)
    told = set()
    for user, count in to_confirm.items():
        _remind(
            user=user,
            text=f"{count} access review{pluralize(count)} for {quarter} "
            f"{pluralize(count, 'is,are')} waiting for you to confirm.",
            changes={"access_reviews_due": count, "on": today.isoformat()},
        )
        told.add(user)
    for user, count in without_a_lead.items():
        _remind(
            user=user,
            text=f"{count} agenc{pluralize(count, 'y has,ies have')} nobody to confirm "
            f"{pluralize(count, 'its,their')} access review for {quarter}: give one of "
            f"{pluralize(count, 'its,their')} staff the agency lead role.",
            changes={"access_reviews_without_a_lead": count, "on": today.isoformat()},
        )
        told.add(user)
    return len(told)


def _remind(*, user: User, text: str, changes: dict[str, object]) -> None:
    system_notify(
        user=user,
        text=text,
        link=reverse("administration:access_review_list"),
        summary=f"Reminded {user.username} of access reviews due",
        changes=changes,
    )
