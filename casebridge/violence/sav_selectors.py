"""Reading Serious Adult Violence panel referrals."""

from casebridge.pathways.models import Case
from casebridge.violence.models import SavReferral


def sav_referral_for(*, case: Case) -> SavReferral | None:
    """What the panel asked of the referral; whoever may see the case may see it."""
    return SavReferral.objects.filter(case=case).first()
