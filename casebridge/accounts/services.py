"""Changing accounts: who someone is, what they may reach, and their password; always audited.

The admin site and the ``grant-role`` command write accounts only through these functions. Nobody
changes their own access, administrators included; the web makes no administrator (``is_staff``,
``is_superuser``) and grants no privileged role: those come from the command line, named and
audited.
"""

from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Role, Team
from casebridge.audit.services import UNRECORDED, audit_record, field_changes
from casebridge.core.errors import ApplicationError

# The role whose holders use the admin site; holding it is what makes someone staff.
ADMINISTRATOR_ROLE = "sysadmin"
# What they may manage there: agencies, teams and accounts; never a case, a person or the audit.
ADMINISTRATOR_MODELS = (("agencies", "agency"), ("agencies", "team"), ("accounts", "user"))
DETAIL_FIELDS = ("username", "first_name", "last_name", "email")
ACCESS_FIELDS = ("agency", "team", "role", "is_active")


def administrator_permissions() -> list[Permission]:
    """The Django permissions the admin site checks for the administrator role."""
    condition = Q()
    for app_label, model in ADMINISTRATOR_MODELS:
        condition |= Q(content_type__app_label=app_label, content_type__model=model)
    return list(Permission.objects.filter(condition))


def is_privileged(role: Role | None) -> bool:
    """Whether the role may be granted only from the command line (see permissions.yaml)."""
    return role is not None and (role.privileged or role.code == ADMINISTRATOR_ROLE)


def access_change_check(
    *,
    actor: User,
    user: User | None,
    role: Role | None,
    agency: Agency | None,
    team: Team | None,
    is_active: bool,
) -> None:
    """Refuse an access change the web may not make: one's own, or a privileged role.

    Args:
        actor: the administrator making the change.
        user: the account as stored, or None for a new one.
        role, agency, team, is_active: the access asked for.

    Raises:
        ApplicationError: naming the field at fault when there is one.
    """
    current = (user.role, user.agency, user.team, user.is_active) if user else (None,) * 4
    if user is not None and user.pk == actor.pk and (role, agency, team, is_active) != current:
        raise ApplicationError(
            "Nobody changes their own role, agency, team or status, administrators included: "
            "ask another administrator."
        )
    # Reactivating a dormant privileged account gives its role back, so it counts as a grant.
    if is_privileged(role) and (role != current[0] or (is_active and not current[3])):
        raise ApplicationError(
            f"{role} is a privileged role: it is granted, or given back, only from the command "
            "line (casebridge grant-role), which records who granted it and why.",
            field="role",
        )
    if team is not None and (agency is None or team.agency_id != agency.pk):
        raise ApplicationError(
            f"{team.name} is a team of {team.agency.name}, not of {agency or 'no agency'}.",
            field="team",
        )


@transaction.atomic
def user_create(*, actor: User, user: User, reason: str) -> User:
    """Save a new account that a form built (its password already set or disabled).

    Raises:
        ApplicationError: for a privileged role, a team of another agency or no reason.
    """
    access_change_check(
        actor=actor,
        user=None,
        role=user.role,
        agency=user.agency,
        team=user.team,
        is_active=user.is_active,
    )
    _require_reason(reason)
    user.is_staff = False
    user.is_superuser = False
    user.save()
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
    role: Role | None,
    agency: Agency | None,
    team: Team | None,
    is_active: bool,
    reason: str,
) -> User:
    """Change what another person may reach: their role, agency, team, or whether they may sign in.

    A deactivated account's sessions stop working at its next request: the sign-in backend
    refuses inactive users.

    Raises:
        ApplicationError: for one's own access, a privileged role, a team of another agency, or
            no reason.
    """
    access_change_check(
        actor=actor, user=user, role=role, agency=agency, team=team, is_active=is_active
    )
    return _access_set(
        actor=actor,
        user=user,
        access=(role, agency, team, is_active),
        reason=reason,
        summary=f"Changed the access of {user.username}",
    )


@transaction.atomic
def role_grant(*, actor: User, user: User, role: Role, reason: str) -> User:
    """Give another person a role, privileged ones included: the command line's way.

    ``actor`` names the administrator answerable for the grant; a privileged grant is flagged in
    the audit for information governance. An inactive account is reactivated: a role given to
    someone who cannot sign in would grant nothing.

    Raises:
        ApplicationError: when the actor is no active administrator, grants themselves, or gives
            no reason.
    """
    if not (actor.is_active and actor.role and actor.role.code == ADMINISTRATOR_ROLE):
        raise ApplicationError(f"{actor.username} is not an active system administrator.")
    if actor.pk == user.pk:
        raise ApplicationError("Nobody grants themselves a role: ask another administrator.")
    return _access_set(
        actor=actor,
        user=user,
        access=(role, user.agency, user.team, True),
        reason=reason,
        summary=f"Granted {user.username} the role {role.code} from the command line",
        flagged=is_privileged(role),
    )


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
    access: tuple[Role | None, Agency | None, Team | None, bool],
    reason: str,
    summary: str,
    flagged: bool = False,
) -> User:
    before = _access(user)
    was_administrator = _is_administrator(user.role)
    user.role, user.agency, user.team, user.is_active = access
    # Staff status follows the administrator role, so a demotion also closes the admin site.
    user.is_staff = _is_administrator(user.role) or (user.is_staff and not was_administrator)
    changes = field_changes(before, _access(user))
    if not changes:
        return user
    _require_reason(reason)
    user.save(update_fields=[*ACCESS_FIELDS, "is_staff"])
    if "is_staff" in changes:
        user.user_permissions.set(administrator_permissions() if user.is_staff else [])
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


def _is_administrator(role: Role | None) -> bool:
    return role is not None and role.code == ADMINISTRATOR_ROLE


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ApplicationError("Say why the account's access changes.", field="reason")


def _details(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in DETAIL_FIELDS}


def _access(user: User) -> dict[str, Any]:
    """Access as the audit records it: codes and names, which outlive a renumbering."""
    return {
        "agency": user.agency.code if user.agency else None,
        "team": str(user.team) if user.team else None,
        "role": user.role.code if user.role else None,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
    }
