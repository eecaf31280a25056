import uuid
from typing import Any

from django.conf import settings
from django.db import models

from casebridge.agencies.models import Agency
from casebridge.assessments import engine
from casebridge.pathways.models import Case
from casebridge.people.models import Person


class Instrument(models.Model):
    """One version of a risk or outcome instrument. Its questions, scoring and bands are data
    (``definition``, from a YAML file); ``assessments/engine.py`` applies them."""

    code = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    definition = models.JSONField()
    # The version new assessments use. Older versions stay: assessments point at them.
    is_current = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.definition["questions"])

    @property
    def bands(self) -> list[dict[str, Any]]:
        return list(self.definition["bands"])

    @property
    def licence(self) -> str:
        return str(self.definition.get("licence", ""))

    def band(self, code: str) -> dict[str, Any] | None:
        return next((band for band in self.bands if band["code"] == code), None)

    def band_label(self, code: str) -> str:
        return engine.band_label(self.definition, code)


class Assessment(models.Model):
    """One completed assessment of a person with one version of an instrument.

    Never edited: a reassessment is a new record with the next ``sequence``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="assessments", null=True, blank=True
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    # Copied from the instrument so "the latest checklist of these people" and the sequence
    # (which runs across versions of one instrument) are one indexed column, not a join.
    instrument_code = models.SlugField(max_length=60)
    answers = models.JSONField()
    score = models.IntegerField()
    computed_band = models.CharField(max_length=40)
    professional_judgement_band = models.CharField(max_length=40, blank=True)
    judgement_reason = models.TextField(blank=True)
    final_band = models.CharField(max_length=40)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    assessing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_at = models.DateTimeField()
    sequence = models.PositiveIntegerField()
    stage = models.CharField(
        max_length=40, blank=True, help_text="The instrument's stage, for instruments with stages."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "instrument_code", "sequence"], name="assessment_sequence"
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "instrument_code", "assessed_at"], name="assessment_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} #{self.sequence} of {self.person_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A risk assessment is evidence of what was known when: reassess, never rewrite.
        if not self._state.adding:
            raise ValueError("Assessments are never edited; complete a new one instead.")
        super().save(*args, **kwargs)

    @property
    def computed_band_label(self) -> str:
        return self.instrument.band_label(self.computed_band)

    @property
    def final_band_label(self) -> str:
        return self.instrument.band_label(self.final_band)

    @property
    def final_band_colour(self) -> str:
        band = self.instrument.band(self.final_band) or {}
        return str(band.get("colour", "grey"))

    @property
    def stage_label(self) -> str:
        stages = self.instrument.definition.get("stages", [])
        return next((s["label"] for s in stages if s["code"] == self.stage), self.stage)

    @property
    def judgement_band_label(self) -> str:
        if not self.professional_judgement_band:
            return ""
        return self.instrument.band_label(self.professional_judgement_band)
