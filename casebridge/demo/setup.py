"""Writing the organisation: agencies, teams, roles' users and their second factors."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import User
from casebridge.accounts.services import ADMINISTRATOR_ROLE, administrator_permissions
from casebridge.agencies.models import Agency, Role, Team
from casebridge.demo.organisation import (
    AGENCIES,
    DEMO_PASSWORD,
    USERS,
    generator_username,
    totp_key,
)

DEVICE_NAME = "Demo authenticator app"


@dataclass(frozen=True)
class Organisation:
    agencies: dict[str, Agency]
    users: dict[str, User]
    generators: dict[str, User]


@transaction.atomic
def create_organisation(seed: int) -> Organisation:
    agencies: dict[str, Agency] = {}
    teams: dict[tuple[str, str], Team] = {}
    for spec in AGENCIES:
        agency = Agency.objects.create(code=spec.code, name=spec.name, kind=spec.kind)
        agencies[spec.code] = agency
        for name in spec.teams:
            teams[spec.code, name] = Team.objects.create(agency=agency, name=name)
    roles = {role.code: role for role in Role.objects.all()}
    users: dict[str, User] = {}
    password_hash = ""  # nosec B105  # no hash yet: made once below for every demo user
    for spec in USERS:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@northbridge.example",
            agency=agencies[spec.agency],
            team=teams[spec.agency, spec.team],
            is_staff=ADMINISTRATOR_ROLE in spec.roles,
        )
        validate_password(DEMO_PASSWORD, user)
        # Everyone shares the published demo password, so hash it once: a fresh salt per user
        # would cost a second of PBKDF2 each and protect nothing.
        if not password_hash:
            user.set_password(DEMO_PASSWORD)
            password_hash = user.password
        user.password = password_hash
        user.save()
        TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=totp_key(seed, spec.username), confirmed=True
        )
        user.roles.set(roles[code] for code in spec.roles)
        if ADMINISTRATOR_ROLE in spec.roles:
            user.user_permissions.set(administrator_permissions())
        users[spec.username] = user
    generators = {}
    for code, agency in agencies.items():
        generator = User(
            username=generator_username(code),
            first_name="Demo data",
            last_name="generator",
            agency=agency,
        )
        generator.set_unusable_password()  # records people; can never sign in
        generator.save()
        generator.roles.set([roles["practitioner"]])
        generators[code] = generator
    return Organisation(agencies, users, generators)
