"""Serious violence: incidents the SIRM rule proposes for a meeting, and Serious Adult Violence
panel referrals.

The SIRM rule itself is data (``incident_rule`` in pathways/definitions/sirm.yaml); the meeting,
its agenda, risk ratings and actions are the panels app's.
"""

import uuid

from django.conf import settings
from django.db import models

from casebridge.incidents.models import Incident
from casebridge.pathways.models import Case


class SirmProposal(models.Model):
    """An incident that met the SIRM criteria when it was recorded, waiting for the coordinator.

    The coordinator convenes a SIRM for it (which opens a SIRM case and schedules the meeting) or
    records why none is needed. ``criteria`` keeps which conditions of the rule were met and the
    evidence, as they were when it was checked.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting decision"
        CONVENED = "convened", "SIRM convened"
        NOT_NEEDED = "not_needed", "No SIRM needed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="sirm_proposal"
    )
    proposed_at = models.DateTimeField()
    rule_version = models.PositiveIntegerField(help_text="The sirm pathway version checked.")
    criteria = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="sirm_proposal"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["status", "proposed_at"], name="sirmproposal_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="convened", case__isnull=False)
                | (~models.Q(status="convened") & models.Q(case__isnull=True)),
                name="sirmproposal_convened_case",
            ),
        ]

    def __str__(self) -> str:
        return f"SIRM proposal for {self.incident}"


class SavReferral(models.Model):
    """What the Serious Adult Violence panel asks of a referral, as it was when referred."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="sav")
    age_at_referral = models.PositiveSmallIntegerField(null=True, blank=True)
    gang_affiliated = models.BooleanField(
        help_text="Affiliated to a gang, or a gang nominal, on police or partner intelligence."
    )
    youth_transition = models.BooleanField(
        help_text="Moving from youth justice to adult services (a transition to probation)."
    )

    def __str__(self) -> str:
        return f"SAV referral {self.case}"
