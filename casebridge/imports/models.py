"""Batches of partner data, the rows they loaded and the rows they rejected."""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.incidents.models import Incident
from casebridge.people.models import Person

# Progress is written every few thousand rows; the one long silence is the load transaction,
# which takes minutes for a million rows, never this long.
STALLED_AFTER_MINUTES = 60
# How a batch's linkage note starts while its people wait to be matched (no model yet, say).
NOT_MATCHED = "Not matched with people already held"


class ImportBatch(models.Model):
    """One file a partner sent, as one unit: its valid rows landed together or not at all."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        VALIDATING = "validating", "Checking rows"
        LOADING = "loading", "Loading"
        LOADED = "loaded", "Loaded"
        FAILED = "failed", "Not loaded"

    kind = models.CharField(max_length=60, help_text="The extract format (imports/definitions).")
    supplied_by = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Whose batch it is for need-to-know (the importer's agency sees its batches).
    imported_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, help_text="Why the file was not loaded, if it wasn't.")
    rows_expected = models.PositiveIntegerField(default=0, help_text="Estimate, for progress.")
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(
        default=0, help_text="Rows an earlier batch loaded already, exactly as sent again."
    )
    rows_updated = models.PositiveIntegerField(
        default=0, help_text="Rows an earlier batch loaded, sent again with a new outcome."
    )
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_noted = models.PositiveIntegerField(
        default=0, help_text="Rows loaded with a note (a person without a date of birth, say)."
    )
    people_created = models.PositiveIntegerField(default=0)
    people_matched = models.PositiveIntegerField(
        default=0, help_text="Subjects found by an identifier Casebridge already holds."
    )
    linkage = models.TextField(blank=True, help_text="What identity resolution made of them.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Written with each step of progress, so a batch whose server stopped can be told apart.
    progressed_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "supplied_by", "file_sha256"], name="batch_file")]

    def __str__(self) -> str:
        return f"Import batch {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.LOADED, self.Status.FAILED)

    @property
    def awaiting_linkage(self) -> bool:
        return self.status == self.Status.LOADED and self.linkage.startswith(NOT_MATCHED)

    @property
    def stalled(self) -> bool:
        """Unfinished and silent for longer than any step takes: the server stopped under it."""
        silent = timezone.now() - self.progressed_at
        return not self.finished and silent > timedelta(minutes=STALLED_AFTER_MINUTES)

    @property
    def percent_done(self) -> int:
        if self.finished:
            return 100
        if not self.rows_expected:
            return 0
        return min(99, round(100 * self.rows_read / self.rows_expected))


class RejectedRow(models.Model):
    """A row that failed its checks, kept as the partner sent it, with every reason."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejected_rows")
    line_number = models.PositiveIntegerField(help_text="The header is line 1.")
    cells = models.JSONField(help_text="The row's cells by column name, as sent.")
    reasons = models.JSONField()

    class Meta:
        ordering = ["batch", "line_number"]

    def __str__(self) -> str:
        return f"{self.batch}, line {self.line_number}"


class PartnerEvent(models.Model):
    """Something a partner's extract says happened to a person: a detention in custody, a
    court outcome, an emergency department attendance, a school exclusion... Its own columns
    are ``details``, typed by its format; when it happened and to whom are columns here."""

    kind = models.CharField(max_length=60)
    supplied_by = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40)
    occurred_on = models.DateField(help_text="The day it happened, in UK local time.")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="partner_events"
    )
    details = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["kind", "occurred_on"], name="partnerevent_kind_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class LoadedRow(models.Model):
    """Which batch and line loaded a record, and digests of what the row said, so a row sent
    again is recognised: unchanged; changed only in what its format lets change (an outcome),
    which is applied and remembered here; or changed otherwise, which is not applied."""

    # The batch and its supplier (copied here for the unique reference and the look-ups of
    # earlier loads) are checked by the database as one key on PostgreSQL, (batch, supplier)
    # against the batch's (migration imports 0005: one check a loaded row, not two, and the
    # copy checked too); on SQLite by a key each. The keys are the migrations', not these
    # fields' (tests/imports/test_keys.py notices one lost).
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="loaded_rows", db_constraint=False
    )
    line_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=60)
    # Not indexed alone: loadedrow_unique_reference leads with it.
    supplied_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    reference = models.CharField(max_length=40)
    digest = models.CharField(max_length=64)
    # The digest of all but the format's updatable columns.
    stable_digest = models.CharField(max_length=64)
    # Indexed only where set (loadedrow_updated_by): most rows are never updated.
    updated_by = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updated_rows",
        db_index=False,
    )
    updated_line = models.PositiveIntegerField(null=True, blank=True)
    notes = models.JSONField(
        default=list, blank=True, help_text="What loading the row could not do as usual."
    )
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="loaded_row"
    )
    event = models.OneToOneField(
        PartnerEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="loaded_row"
    )
    # Whether the batch recorded its record's people, first named on this row: the incident's
    # victim or the event's person, and the incident's suspect. The people a batch recorded are
    # read through these and the record's keys (selectors.batch_people), so an import writes no
    # row, key or index entry a person for them (migration imports 0006).
    recorded_subject = models.BooleanField(default=False)
    recorded_suspect = models.BooleanField(default=False)

    class Meta:
        constraints = [
            # The supplier first, so that the index serves its lookups alone too (an agency
            # deleted, which its rows protect): all others give all three.
            models.UniqueConstraint(
                fields=["supplied_by", "kind", "reference"], name="loadedrow_unique_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(incident__isnull=False, event__isnull=True)
                | models.Q(incident__isnull=True, event__isnull=False),
                name="loadedrow_one_record",
            ),
        ]
        indexes = [
            models.Index(
                fields=["updated_by"],
                condition=models.Q(updated_by__isnull=False),
                name="loadedrow_updated_by",
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch}, line {self.line_number}"
