"""Changing accounts: who someone is, what they may reach, and their password; always audited.

The administration pages, the admin site and the ``grant-role`` command write accounts only
through these functions. Nobody changes their own access, administrators included; the web makes
no administrator (``is_staff``, ``is_superuser``) and grants no privileged role: those come from
the command line, named and audited.
"""

from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import User
from casebridge.accounts.sessions import sessions_end
from casebridge.agencies.models import Agency, Role, Team
from casebridge.audit.services import UNRECORDED, audit_record, field_changes
from casebridge.core.errors import ApplicationError

# The role whose holders use the admin site; holding it is what makes someone staff.
ADMINISTRATOR_ROLE = "sysadmin"
# What they may manage there: agencies, teams and accounts; never a case, a person or the audit.
ADMINISTRATOR_MODELS = (("agencies", "agency"), ("agencies", "team"), ("accounts", "user"))
DETAIL_FIELDS = ("username", "first_name", "last_name", "email")
ACCESS_FIELDS = ("agency", "team", "roles", "is_active")


def administrator_permissions() -> list[Permission]:
    """The Django permissions the admin site checks for the administrator role."""
    condition = Q()
    for app_label, model in ADMINISTRATOR_MODELS:
        condition |= Q(content_type__app_label=app_label, content_type__model=model)
    return list(Permission.objects.filter(condition))


def is_privileged(role: Role | None) -> bool:
    """Whether the role may be granted only from the command line (see permissions.yaml)."""
    return role is not None and (role.privileged or role.code == ADMINISTRATOR_ROLE)


def roles_of(user: User | None) -> set[Role]:
    return set(user.roles.all()) if user is not None and user.pk else set()


def access_change_check(
    *,
    actor: User,
    user: User | None,
    roles: Collection[Role],
    agency: Agency | None,
    team: Team | None,
    is_active: bool,
) -> None:
    """Refuse an access change the web may not make: one's own, or a privileged role.

    Args:
        actor: the administrator making the change.
        user: the account as stored, or None for a new one.
        roles, agency, team, is_active: the access asked for.

    Raises:
        ApplicationError: naming the field at fault when there is one.
    """
    current_roles = roles_of(user)
    current = (user.agency, user.team, user.is_active) if user else (None, None, False)
    asked = (agency, team, is_active)
    if user is not None and user.pk == actor.pk and (set(roles), asked) != (current_roles, current):
        raise ApplicationError(
            "Nobody changes their own roles, agency, team or status, administrators included: "
            "ask another administrator."
        )
    # Reactivating a dormant privileged account gives its roles back, so it counts as a grant.
    reactivated = is_active and not current[2]
    for role in sorted(roles, key=lambda role: role.code):
        if is_privileged(role) and (role not in current_roles or reactivated):
            raise ApplicationError(
                f"{role} is a privileged role: it is granted, or given back, only from the "
                "command line (casebridge grant-role), which records who granted it and why.",
                field="roles",
            )
    if team is not None and (agency is None or team.agency_id != agency.pk):
        raise ApplicationError(
            f"{team.name} is a team of {team.agency.name}, not of {agency or 'no agency'}.",
            field="team",
        )


@transaction.atomic
def user_create(*, actor: User, user: User, roles: Collection[Role], reason: str) -> User:
    """Save a new account that a form built (its password already set or disabled).

    Raises:
        ApplicationError: for a privileged role, a team of another agency or no reason.
    """
    access_change_check(
        actor=actor,
        user=None,
        roles=roles,
        agency=user.agency,
        team=user.team,
        is_active=user.is_active,
    )
    _require_reason(reason)
    user.is_staff = False
    user.is_superuser = False
    user.save()
    user.roles.set(roles)
    audit_record(
        actor=actor,
        action="create",
        object_type="user",
        object_id=user.pk,
        summary=f"Created the account {user.username}",
        changes=field_changes({}, {**_details(user), **_access(user)}),
        reason=reason.strip(),
    )
    return user


@transaction.atomic
def user_details_change(
    *, actor: User, user: User, username: str, first_name: str, last_name: str, email: str
) -> User:
    """Change who the account says its holder is; nothing it may reach."""
    before = _details(user)
    user.username, user.first_name, user.last_name, user.email = (
        username,
        first_name,
        last_name,
        email,
    )
    changes = field_changes(before, _details(user))
    if changes:
        user.save(update_fields=list(changes))
        audit_record(
            actor=actor,
            action="change",
            object_type="user",
            object_id=user.pk,
            summary=f"Changed the details of {user.username}",
            changes=changes,
        )
    return user


@transaction.atomic
def user_access_change(
    *,
    actor: User,
    user: User,
    roles: Collection[Role],
    agency: Agency | None,
    team: Team | None,
    is_active: bool,
    reason: str,
    summary: str = "",
) -> User:
    """Change what another person may reach: their roles, agency, team, or whether they may
    sign in. Their next request is judged by the new access; a deactivated account's open
    sessions end at once.

    Raises:
        ApplicationError: for one's own access, a privileged role, a team of another agency, or
            no reason.
    """
    access_change_check(
        actor=actor, user=user, roles=roles, agency=agency, team=team, is_active=is_active
    )
    return _access_set(
        actor=actor,
        user=user,
        access=(set(roles), agency, team, is_active),
        reason=reason,
        summary=summary or f"Changed the access of {user.username}",
    )


@transaction.atomic
def role_grant(*, actor: User, user: User, role: Role, reason: str) -> User:
    """Give another person a role besides those they hold, privileged ones included: the
    command line's way.

    ``actor`` names the administrator answerable for the grant; a privileged grant is flagged in
    the audit for information governance. An inactive account is reactivated: a role given to
    someone who cannot sign in would grant nothing.

    Raises:
        ApplicationError: when the actor is no active administrator, grants themselves, or gives
            no reason.
    """
    if not (actor.is_active and ADMINISTRATOR_ROLE in actor.role_codes):
        raise ApplicationError(f"{actor.username} is not an active system administrator.")
    if actor.pk == user.pk:
        raise ApplicationError("Nobody grants themselves a role: ask another administrator.")
    return _access_set(
        actor=actor,
        user=user,
        access=(roles_of(user) | {role}, user.agency, user.team, True),
        reason=reason,
        summary=f"Granted {user.username} the role {role.code} from the command line",
        flagged=is_privileged(role),
    )


@transaction.atomic
def second_factor_reset(*, actor: User, user: User, reason: str) -> User:
    """Withdraw someone's authenticator app (lost or replaced): their open sessions end, and at
    their next sign-in, after their password, they enrol a new one themselves.

    Raises:
        ApplicationError: for one's own second factor, or no reason.
    """
    if user.pk == actor.pk:
        raise ApplicationError("Nobody resets their own second factor: ask an administrator.")
    _require_reason(reason, "Say why their second factor is reset.")
    withdrawn, _ = TOTPDevice.objects.filter(user=user).delete()
    ended = sessions_end(user_id=user.pk)
    audit_record(
        actor=actor,
        action="change",
        object_type="user",
        object_id=user.pk,
        summary=f"Reset the second factor of {user.username}: they enrol again at sign-in",
        changes={"second_factor": UNRECORDED, "sessions_ended": ended, "devices": withdrawn},
        reason=reason.strip(),
    )
    return user


@transaction.atomic
def password_reset_record(*, actor: User, user: User) -> None:
    """Record that an administrator set (or disabled) someone's password.

    Django's admin password form saves the password itself, in the transaction this joins. The
    entry says that it changed, never the password or its hash. Other sessions of the user end
    at their next request, since the session's hash of the password no longer matches.
    """
    done = "Set the password" if user.has_usable_password() else "Disabled password sign-in"
    audit_record(
        actor=actor,
        action="change",
        object_type="user",
        object_id=user.pk,
        summary=f"{done} of {user.username} in the admin site",
        changes={"password": UNRECORDED},
    )


def _access_set(
    *,
    actor: User,
    user: User,
    access: tuple[set[Role], Agency | None, Team | None, bool],
    reason: str,
    summary: str,
    flagged: bool = False,
) -> User:
    before = _access(user)
    was_administrator = ADMINISTRATOR_ROLE in user.role_codes
    was_active = user.is_active
    roles, user.agency, user.team, user.is_active = access
    is_administrator = any(role.code == ADMINISTRATOR_ROLE for role in roles)
    # Staff status follows the administrator role, so a demotion also closes the admin site.
    user.is_staff = is_administrator or (user.is_staff and not was_administrator)
    after = {**_access(user), "roles": sorted(role.code for role in roles)}
    changes = field_changes(before, after)
    if not changes:
        return user
    _require_reason(reason)
    user.save(update_fields=["agency", "team", "is_active", "is_staff"])
    if "roles" in changes:
        user.roles.set(roles)
    if "is_staff" in changes:
        user.user_permissions.set(administrator_permissions() if user.is_staff else [])
    if was_active and not user.is_active:
        changes["sessions_ended"] = sessions_end(user_id=user.pk)
    audit_record(
        actor=actor,
        action="change",
        object_type="user",
        object_id=user.pk,
        summary=summary,
        changes=changes,
        reason=reason.strip(),
        flagged=flagged,
    )
    return user


def _require_reason(reason: str, message: str = "Say why the account's access changes.") -> None:
    if not reason.strip():
        raise ApplicationError(message, field="reason")


def _details(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in DETAIL_FIELDS}


def _access(user: User) -> dict[str, Any]:
    """Access as the audit records it: codes and names, which outlive a renumbering."""
    return {
        "agency": user.agency.code if user.agency else None,
        "team": str(user.team) if user.team else None,
        "roles": sorted(user.role_codes),
        "is_active": user.is_active,
        "is_staff": user.is_staff,
    }
