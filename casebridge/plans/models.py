"""The partnership's action plans (the London Blueprint's, the reducing reoffending plan's):
commitments with an owner, a due date and a status, and every status update kept."""

from django.conf import settings
from django.db import models

from casebridge.agencies.models import Agency


class ActionPlan(models.Model):
    code = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="commitments")
    reference = models.CharField(max_length=12, help_text="Its number in the plan, e.g. 2.3.")
    commitment = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.CharField(max_length=200, help_text="Who answers for it, e.g. a job title.")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "due_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="commitment_unique_ref")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.reference}"


class CommitmentUpdate(models.Model):
    """A status given to a commitment, with what was said about progress: the plan's history."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=Commitment.Status.choices)
    note = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["updated_at", "id"]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.status} at {self.updated_at:%Y-%m-%d}"
