"""Identity resolution: the trained model, the pairs an analyst reviews, and the merges made.

Nothing here deletes a person. A merge points the duplicate record at the surviving one
(``Person.merged_into``) and is kept as history, undone or not.
"""

import uuid

from django.db import models
from django.db.models.functions import Greatest, Least

from casebridge.accounts.models import User
from casebridge.people.models import Person


class LinkageModel(models.Model):
    """A trained Splink model, as the JSON Splink saves, with the thresholds it is used with.

    Thresholds are match weights (log2 of the odds that a pair is the same person): at or above
    ``upper_threshold`` a pair is linked automatically, between the two an analyst decides.
    """

    class Backend(models.TextChoices):
        DUCKDB = "duckdb", "DuckDB"
        SPARK = "spark", "Spark"

    version = models.PositiveIntegerField(unique=True)
    settings = models.JSONField()
    trained_at = models.DateTimeField()
    # None when the system trained it (the ``linkage train`` command).
    trained_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_count = models.PositiveIntegerField()
    backend = models.CharField(max_length=10, choices=Backend.choices)
    upper_threshold = models.FloatField()
    lower_threshold = models.FloatField()
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="linkagemodel_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(lower_threshold__lt=models.F("upper_threshold")),
                name="linkagemodel_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Linkage model {self.version}"


class MatchReview(models.Model):
    """A pair that may be the same person, for an analyst to confirm or reject.

    One row per unordered pair, whatever its status: a pair already decided is never queued
    again, and a rejected one (or one whose merge was undone) is never linked automatically.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        CONFIRMED = "confirmed", "Same person"
        REJECTED = "rejected", "Not the same person"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incoming = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    existing = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    # [{"field", "label", "match_weight"}]: the comparison level each field reached.
    evidence = models.JSONField(default=list)
    source = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # Set when the analyst confirmed a band of pairs at once rather than this pair alone: the
    # band's match weights and the precision they were shown for it before confirming
    # ({"lower", "upper", "expected_precision", "from_decisions", "pairs"}).
    decided_in_band = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Least("incoming", "existing"),
                Greatest("incoming", "existing"),
                name="matchreview_one_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(incoming=models.F("existing")), name="matchreview_two_people"
            ),
        ]
        # The queue: pending pairs, strongest first.
        indexes = [
            models.Index(fields=["status", "-match_weight"], name="matchreview_queue"),
            # The queue of one batch.
            models.Index(fields=["status", "source"], name="matchreview_queue_source"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.incoming_id} and {self.existing_id} ({self.status})"


class PersonMerge(models.Model):
    """History of one merge: ``duplicate`` was folded into ``survivor``, and perhaps undone."""

    class How(models.TextChoices):
        AUTOMATIC = "automatic", "Linked automatically"
        CONFIRMED = "confirmed", "Confirmed by an analyst"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    how = models.CharField(max_length=10, choices=How.choices)
    review = models.ForeignKey(
        MatchReview, on_delete=models.PROTECT, null=True, blank=True, related_name="merges"
    )
    source = models.CharField(max_length=200)
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    evidence = models.JSONField(default=list)
    merged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            # A record is merged into one other at a time; undone merges stay as history.
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=models.Q(undone_at__isnull=True),
                name="personmerge_one_active_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} merged into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
