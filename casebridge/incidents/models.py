import uuid

from django.db import models

from casebridge.agencies.models import Agency
from casebridge.people.models import Person


class Incident(models.Model):
    """A reported incident (a police-recorded domestic-abuse incident, say) and who was involved.

    Rules such as MARAC's "potential escalation" count these; partner extracts load them.
    ``category`` is what was recorded (an offence class, or a domestic incident with no further
    class); ``domestic_abuse`` is the police's domestic-abuse flag, so an offence can be both
    domestic-abuse related and violence with injury. An incident of category "domestic abuse"
    always carries the flag.

    The serious-violence details (weapon, injury, kidnapping, a link to gangs or exploitation,
    children in the households) are what the police record; the SIRM rule in the ``sirm``
    pathway's definition reads them, and the figures count knife-enabled and serious youth
    violence from them.
    """

    class Category(models.TextChoices):
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        VIOLENCE_WITH_INJURY = "violence_with_injury", "Violence with injury"
        VIOLENCE_WITHOUT_INJURY = "violence_without_injury", "Violence without injury"
        ROBBERY = "robbery", "Robbery"
        SEXUAL_OFFENCE = "sexual_offence", "Sexual offence"
        WEAPON_POSSESSION = "weapon_possession", "Possession of weapons"
        OTHER = "other", "Other"

    class Weapon(models.TextChoices):
        NONE = "", "None recorded"
        KNIFE = "knife", "Knife or sharp instrument"
        FIREARM = "firearm", "Firearm"
        OTHER = "other", "Other weapon"

    class Injury(models.TextChoices):
        NOT_RECORDED = "", "Not recorded"
        NONE = "none", "No injury"
        INJURY = "injury", "Injury"
        SERIOUS = "serious", "Serious injury"
        FATAL = "fatal", "Fatal"

    class Outcome(models.TextChoices):
        """Home Office crime outcome types, grouped as partnership reports use them. Which of
        them count as a sanction detection is the indicators' business (data), not this list's."""

        CHARGE_SUMMONS = "charge_summons", "Charged or summonsed"
        CAUTION = "caution", "Caution (adult or youth)"
        TAKEN_INTO_CONSIDERATION = "taken_into_consideration", "Taken into consideration"
        PENALTY_NOTICE = "penalty_notice", "Penalty notice for disorder"
        COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
        EVIDENTIAL_DIFFICULTIES = (
            "evidential_difficulties",
            "No further action: evidential difficulties",
        )
        NO_SUSPECT = "no_suspect", "No further action: no suspect identified"
        UNDER_INVESTIGATION = "under_investigation", "Under investigation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Neither this nor the victim is indexed alone: incident_unique_reference leads with the
    # agency and incident_victim_time with the victim, and serve the same lookups. An index of
    # either alone is only more upkeep for every incident written (an import writes 100,000s).
    reporting_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="incidents", db_index=False
    )
    reference = models.CharField(max_length=40, help_text="The reporting agency's own reference.")
    category = models.CharField(max_length=24, choices=Category.choices)
    domestic_abuse = models.BooleanField(
        default=False, help_text="Flagged by the reporting agency as domestic-abuse related."
    )
    occurred_at = models.DateTimeField()
    victim = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="incidents_as_victim",
        null=True,
        blank=True,
        db_index=False,
    )
    # Indexed only where known (incident_suspect): many incidents have no suspect, and the
    # lookups are of a given person's incidents.
    suspect = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="incidents_as_suspect",
        null=True,
        blank=True,
        db_index=False,
    )
    weapon = models.CharField(max_length=8, choices=Weapon.choices, blank=True)
    firearm_discharged = models.BooleanField(default=False)
    kidnapping = models.BooleanField(default=False)
    injury = models.CharField(
        max_length=8, choices=Injury.choices, blank=True, help_text="The victim's injury."
    )
    gang_related = models.BooleanField(
        default=False, help_text="Potentially linked to gangs or exploitation."
    )
    child_in_victim_household = models.BooleanField(default=False)
    child_in_suspect_household = models.BooleanField(default=False)
    # Where it happened, for hotspots: the ward, or blank when it happened outside the borough.
    ward = models.CharField(max_length=80, blank=True)
    outside_borough = models.BooleanField(default=False)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True, help_text="When the outcome was given.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_agency", "reference"], name="incident_unique_reference"
            ),
            models.CheckConstraint(
                condition=~models.Q(category="domestic_abuse") | models.Q(domestic_abuse=True),
                name="incident_domestic_abuse_flagged",
            ),
            models.CheckConstraint(
                condition=~models.Q(firearm_discharged=True) | models.Q(weapon="firearm"),
                name="incident_discharged_firearm",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="", outcome_on__isnull=True)
                | (~models.Q(outcome="") & models.Q(outcome_on__isnull=False)),
                name="incident_outcome_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["victim", "occurred_at"], name="incident_victim_time"),
            models.Index(
                fields=["suspect"],
                condition=models.Q(suspect__isnull=False),
                name="incident_suspect",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporting_agency.code}/{self.reference}"

    @property
    def serious_assault(self) -> bool:
        return self.injury in (self.Injury.SERIOUS, self.Injury.FATAL)
