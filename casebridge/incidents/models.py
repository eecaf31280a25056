import uuid

from django.db import models

from casebridge.agencies.models import Agency
from casebridge.people.models import Person


class Incident(models.Model):
    """A reported incident (a police-recorded domestic-abuse incident, say) and who was involved.

    Rules such as MARAC's "potential escalation" count these; partner extracts load them.
    """

    class Category(models.TextChoices):
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        VIOLENCE_WITH_INJURY = "violence_with_injury", "Violence with injury"
        OTHER = "other", "Other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reporting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="incidents")
    reference = models.CharField(max_length=40, help_text="The reporting agency's own reference.")
    category = models.CharField(max_length=24, choices=Category.choices)
    occurred_at = models.DateTimeField()
    victim = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="incidents_as_victim", null=True, blank=True
    )
    suspect = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="incidents_as_suspect", null=True, blank=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_agency", "reference"], name="incident_unique_reference"
            ),
        ]
        indexes = [models.Index(fields=["victim", "occurred_at"], name="incident_victim_time")]

    def __str__(self) -> str:
        return f"{self.reporting_agency.code}/{self.reference}"
