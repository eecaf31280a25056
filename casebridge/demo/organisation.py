"""Who works in Northbridge: the partner agencies, their teams and the demo users."""

import hashlib
from dataclasses import dataclass

from casebridge.agencies.models import Agency

# One password for every demo login: 12+ characters, not a common password, not numeric.
DEMO_PASSWORD = "Kestrel-Harbour-Lantern-47"  # noqa: S105 (printed on purpose for the demo)  # nosec B105  # the demo's published password, printed on purpose
DEMO_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    teams: tuple[str, ...]


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    agency: str
    team: str
    job: str


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "nb-police",
        "Northbridge Police",
        Agency.Kind.POLICE,
        ("Public Protection Unit", "Neighbourhood Policing", "Integrated Offender Management"),
    ),
    AgencySpec(
        "nb-community-safety",
        "Northbridge Council Community Safety",
        Agency.Kind.COUNCIL,
        ("MARAC Coordination", "Community Safety Analysis", "Information Governance", "Digital"),
    ),
    AgencySpec(
        "nb-childrens-services",
        "Northbridge Council Children's Social Care",
        Agency.Kind.COUNCIL,
        (
            "Multi-Agency Safeguarding Hub",
            "Children in Need",
            "Early Help",
            "Vulnerable Adolescents",
        ),
    ),
    AgencySpec(
        "nb-adult-social-care",
        "Northbridge Council Adult Social Care",
        Agency.Kind.COUNCIL,
        ("Adult Safeguarding", "Mental Health Social Work"),
    ),
    AgencySpec(
        "nb-probation",
        "Northbridge Probation Delivery Unit",
        Agency.Kind.PROBATION,
        ("Case Management", "Victim Liaison"),
    ),
    AgencySpec(
        "nb-hospital",
        "Northbridge Hospitals NHS Trust",
        Agency.Kind.HEALTH,
        ("Safeguarding Team", "Emergency Department", "Maternity"),
    ),
    AgencySpec(
        "nb-youth-justice",
        "Northbridge Youth Justice Service",
        Agency.Kind.YOUTH_JUSTICE,
        ("Prevention", "Court and Orders"),
    ),
    AgencySpec(
        "nb-homes",
        "Northbridge Homes",
        Agency.Kind.HOUSING,
        ("Housing Options", "Domestic Abuse Team", "Tenancy Sustainment"),
    ),
    AgencySpec(
        "nb-da-advocacy",
        "Northbridge Domestic Abuse Advocacy Service",
        Agency.Kind.CHARITY,
        ("IDVA Service", "Outreach", "One Stop Shop"),
    ),
    AgencySpec(
        "nb-womens-centre",
        "Northbridge Women's Centre",
        Agency.Kind.CHARITY,
        ("Women's Support", "Criminal Justice Pathway"),
    ),
    # Invited to a SIRM's community-impact meeting when violence happens near them.
    AgencySpec("nb-academy", "Northbridge Academy", Agency.Kind.SCHOOL, ("Safeguarding",)),
    AgencySpec(
        "nb-community-responders",
        "Northbridge Community Responders",
        Agency.Kind.COMMUNITY,
        ("Community Responders",),
    ),
)

USERS: tuple[UserSpec, ...] = (
    UserSpec(
        "maria.costa",
        "Maria",
        "Costa",
        ("panel_coordinator",),
        "nb-community-safety",
        "MARAC Coordination",
        "MARAC coordinator",
    ),
    UserSpec(
        "sam.okafor",
        "Sam",
        "Okafor",
        ("practitioner",),
        "nb-police",
        "Public Protection Unit",
        "Public protection officer",
    ),
    UserSpec(
        "jess.morgan",
        "Jess",
        "Morgan",
        ("practitioner",),
        "nb-police",
        "Public Protection Unit",
        "Public protection officer",
    ),
    UserSpec(
        "priya.shah",
        "Priya",
        "Shah",
        # She also manages her service's Casebridge accounts and confirms its access review.
        ("practitioner", "agency_lead"),
        "nb-da-advocacy",
        "IDVA Service",
        "IDVA service lead",
    ),
    UserSpec(
        "amara.osei", "Amara", "Osei", ("practitioner",), "nb-da-advocacy", "Outreach", "IDVA"
    ),
    UserSpec(
        "tom.walsh",
        "Tom",
        "Walsh",
        ("practitioner",),
        "nb-childrens-services",
        "Multi-Agency Safeguarding Hub",
        "Social worker",
    ),
    UserSpec(
        "fiona.grant",
        "Fiona",
        "Grant",
        ("practitioner",),
        "nb-adult-social-care",
        "Adult Safeguarding",
        "Social worker",
    ),
    UserSpec(
        "grace.mensah",
        "Grace",
        "Mensah",
        ("practitioner",),
        "nb-probation",
        "Case Management",
        "Probation officer",
    ),
    UserSpec(
        "nadia.rahman",
        "Nadia",
        "Rahman",
        ("practitioner",),
        "nb-hospital",
        "Safeguarding Team",
        "Hospital safeguarding lead",
    ),
    UserSpec(
        "dan.kowalski",
        "Dan",
        "Kowalski",
        ("practitioner",),
        "nb-homes",
        "Domestic Abuse Team",
        "Housing officer",
    ),
    UserSpec(
        "kwame.asante",
        "Kwame",
        "Asante",
        ("practitioner",),
        "nb-youth-justice",
        "Court and Orders",
        "Youth justice officer",
    ),
    UserSpec(
        "leah.fischer",
        "Leah",
        "Fischer",
        ("practitioner",),
        "nb-womens-centre",
        "Women's Support",
        "Women's centre key worker",
    ),
    UserSpec(
        "yasmin.haddad",
        "Yasmin",
        "Haddad",
        ("vve_coordinator",),
        "nb-childrens-services",
        "Vulnerable Adolescents",
        "SIRM, SAV and exploitation panel coordinator",
    ),
    UserSpec(
        "marcus.bell",
        "Marcus",
        "Bell",
        ("victim_coordinator",),
        "nb-childrens-services",
        "Vulnerable Adolescents",
        "Victim Coordinator",
    ),
    UserSpec(
        "olivia.king",
        "Olivia",
        "King",
        ("practitioner",),
        "nb-academy",
        "Safeguarding",
        "Designated safeguarding lead",
    ),
    UserSpec(
        "kofi.boateng",
        "Kofi",
        "Boateng",
        ("practitioner",),
        "nb-community-responders",
        "Community Responders",
        "Community responder",
    ),
    UserSpec(
        "lee.chen",
        "Lee",
        "Chen",
        ("analyst",),
        "nb-community-safety",
        "Community Safety Analysis",
        "Performance analyst",
    ),
    UserSpec(
        "helen.brooks",
        "Helen",
        "Brooks",
        ("manager",),
        "nb-community-safety",
        "Community Safety Analysis",
        "Head of community safety",
    ),
    UserSpec(
        "ruth.adeyemi",
        "Ruth",
        "Adeyemi",
        ("auditor",),
        "nb-community-safety",
        "Information Governance",
        "Information governance officer",
    ),
    UserSpec(
        "ian.doyle",
        "Ian",
        "Doyle",
        ("sysadmin",),
        "nb-community-safety",
        "Digital",
        "System administrator",
    ),
)

# Each agency records its people through a generator account that cannot sign in.
GENERATOR_PREFIX = "demo-generator-"


def generator_username(agency_code: str) -> str:
    return f"{GENERATOR_PREFIX}{agency_code}"


def coordinator() -> UserSpec:
    return next(user for user in USERS if "panel_coordinator" in user.roles)


def vve_coordinator() -> UserSpec:
    return next(user for user in USERS if "vve_coordinator" in user.roles)


def victim_coordinator() -> UserSpec:
    return next(user for user in USERS if "victim_coordinator" in user.roles)


def practitioners(agency_code: str) -> list[UserSpec]:
    return [u for u in USERS if "practitioner" in u.roles and u.agency == agency_code]


def totp_key(seed: int, username: str) -> str:
    """The demo user's TOTP secret: 20 bytes, hex, the same for the same seed and username."""
    return hashlib.sha256(f"casebridge-demo-totp:{seed}:{username}".encode()).digest()[:20].hex()
