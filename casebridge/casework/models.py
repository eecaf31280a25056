"""What is done for a case's subject beyond moving the case along: the tier that sets how often
they must be seen, the needs found with the support given and its outcome, and referrals to
services and programmes with the parts completed. What may be recorded (which tiers, needs,
outcomes, services) is the pathway's definition; these rows hold codes from it."""

from django.conf import settings
from django.db import models

from casebridge.pathways.models import Case


class TierAssignment(models.Model):
    """A case placed in a risk and vulnerability tier from a day on (the latest is current)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tier_assignments")
    tier = models.CharField(max_length=40, help_text="A tier code of the case's pathway.")
    assigned_on = models.DateField()
    reason = models.TextField(blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_on", "id"]
        indexes = [models.Index(fields=["case", "assigned_on"], name="tier_case_day")]

    def __str__(self) -> str:
        return f"{self.case}: {self.tier} from {self.assigned_on}"


class Need(models.Model):
    """A need found in one of the pathway's areas, the support given for it and its outcome."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    area = models.CharField(max_length=40, help_text="A need code of the case's pathway.")
    identified_on = models.DateField()
    support = models.TextField(blank=True, help_text="The support given or arranged.")
    outcome = models.CharField(max_length=40, blank=True, help_text="One of the area's outcomes.")
    outcome_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["identified_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "area"], name="need_one_per_area"),
            models.CheckConstraint(
                condition=models.Q(outcome="", outcome_on__isnull=True)
                | (~models.Q(outcome="") & models.Q(outcome_on__isnull=False)),
                name="need_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.area}"


class ServiceReferral(models.Model):
    """A referral of the case's subject to a service or programme: when they started and ended
    it, whether they completed it, and which of its parts (elements) they completed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="service_referrals")
    service = models.CharField(max_length=40, help_text="A service code of the case's pathway.")
    referred_on = models.DateField()
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    elements_completed = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["referred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(started_on__gte=models.F("referred_on")),
                name="service_started_after_referral",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(started_on__isnull=False),
                name="service_ended_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(completed=False) | models.Q(ended_on__isnull=False),
                name="service_completed_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.service}"
