"""Replaying the Serious Adult Violence panel through the services: each referrer records the
person and refers them (``sav_referral_create``), and the monthly panel takes it from there
(``monthly_panels``). What happens when is planned in ``sav_plan``."""

from typing import TYPE_CHECKING

from casebridge.demo.monthly_panels import PanelRecords, PanelSpec, schedule_panel
from casebridge.demo.sav_plan import (
    ACTIONS,
    RULES,
    SAV_AGENCIES,
    SHARES,
    plan_sav,
)
from casebridge.pathways.models import Case
from casebridge.people.services import people_bulk_create
from casebridge.violence.sav import sav_referral_create

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

SOURCE = "Serious Adult Violence panel referrals"
SPEC = PanelSpec(
    pathway="sav",
    title="SAV panel",
    location="Online (Microsoft Teams)",
    rules=RULES,
    agencies=SAV_AGENCIES,
    shares=SHARES,
    actions=ACTIONS,
    minutes="Probation and the police updated the panel; risk of serious violence reviewed.",
)


def schedule_sav(replay: "Replay") -> PanelRecords:
    """Add the panel's referrals, meetings and cases to ``replay``."""
    planned = plan_sav(replay.seed, replay.scale)

    def refer(index: int) -> Case:
        referral = planned[index]
        (subject,) = people_bulk_create(
            actor=replay.org.generators[referral.agency], people=[referral.details], source=SOURCE
        )
        return sav_referral_create(
            actor=replay.agency_user(referral.agency),
            subject=subject,
            referral_reason=referral.reason,
            consent=Case.Consent.NOT_ASKED,
            lawful_basis=Case.LawfulBasis.PUBLIC_TASK,
            gang_affiliated=referral.gang_affiliated,
            youth_transition=referral.youth_transition,
            referred_at=referral.case.referred_at,
        )

    return schedule_panel(replay, SPEC, [referral.case for referral in planned], refer)
