"""Victim Coordinator referrals: where a victim-coordinator case came from.

The case, its support (activities) and onward referrals (casework services) are the pathway
engine's and the casework app's; this records what the Victims' Code reporting asks besides.
"""

from django.db import models

from casebridge.panels.models import Meeting
from casebridge.pathways.models import Case


class VictimReferral(models.Model):
    class VictimKind(models.TextChoices):
        DIRECT = "direct", "Direct victim"
        INDIRECT = "indirect", "Indirect victim (family, friend or witness)"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="victim_referral")
    victim_kind = models.CharField(max_length=10, choices=VictimKind.choices)
    # Set when a panel (a SIRM, the exploitation panel) referred them; blank for an agency's.
    from_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="victim_referrals"
    )

    def __str__(self) -> str:
        return f"Victim Coordinator referral {self.case}"
