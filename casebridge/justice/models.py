"""A person's contacts with the criminal justice system, as their worker records them on a case
(the women's whole-system pathway): arrest, custody, charge, out-of-court disposal, court,
sentence and release. Partners' extracts bring the same kinds of event in as partner events
(casebridge/imports); both become the justice events the reoffending figures count
(``definitions/events.yaml``)."""

from django.conf import settings
from django.db import models

from casebridge.pathways.models import Case


class JusticeContact(models.Model):
    class Stage(models.TextChoices):
        ARREST = "arrest", "Arrest"
        CUSTODY = "custody", "Held in police custody"
        CHARGE = "charge", "Charged"
        OUT_OF_COURT_DISPOSAL = "out_of_court_disposal", "Out-of-court disposal"
        COURT = "court", "Court appearance"
        SENTENCE = "sentence", "Sentenced"
        RELEASE = "release", "Released from prison"

    class Outcome(models.TextChoices):
        CAUTION = "caution", "Caution"
        CONDITIONAL_CAUTION = "conditional_caution", "Conditional caution"
        COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
        REMANDED = "remanded", "Remanded in custody"
        BAILED = "bailed", "Bailed"
        CONVICTED = "convicted", "Convicted"
        ACQUITTED = "acquitted", "Acquitted or case dropped"
        CUSTODY = "custody", "Immediate custody"
        SUSPENDED_SENTENCE = "suspended_sentence", "Suspended sentence order"
        COMMUNITY_ORDER = "community_order", "Community order"
        FINE = "fine", "Fine"
        DISCHARGE = "discharge", "Conditional or absolute discharge"
        ON_LICENCE = "on_licence", "Released on licence"
        UNSUPERVISED = "unsupervised", "Released with no supervision"

    # Which outcomes a stage may have (a stage not listed has none).
    OUTCOMES_BY_STAGE: dict[str, tuple[str, ...]] = {
        Stage.OUT_OF_COURT_DISPOSAL: ("caution", "conditional_caution", "community_resolution"),
        Stage.COURT: ("remanded", "bailed", "convicted", "acquitted"),
        Stage.SENTENCE: ("custody", "suspended_sentence", "community_order", "fine", "discharge"),
        Stage.RELEASE: ("on_licence", "unsupervised"),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="justice_contacts")
    stage = models.CharField(max_length=24, choices=Stage.choices)
    occurred_on = models.DateField()
    offence_on = models.DateField(
        null=True, blank=True, help_text="When the offence was committed, if known."
    )
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offence_on__isnull=True)
                | models.Q(offence_on__lte=models.F("occurred_on")),
                name="justice_contact_offence_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_stage_display()} on {self.occurred_on}"
