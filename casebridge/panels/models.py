"""Multi-agency panel meetings: MARAC, SIRM, the Serious Adult Violence and exploitation panels.

A meeting belongs to one pathway, is attended by agencies, discusses cases (agenda items), records
what each agency shared, rates the risk areas its pathway's definition names, and agrees actions
owned by an attending agency. A SIRM may be followed by a community-impact meeting with schools
and community groups, which discusses no case.
"""

import uuid

from django.conf import settings
from django.db import models

from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case, Pathway


class Meeting(models.Model):
    """One sitting of a panel, such as the MARAC of 12 January."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    class Purpose(models.TextChoices):
        PANEL = "panel", "Panel meeting"
        COMMUNITY_IMPACT = "community_impact", "Community-impact meeting"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="meetings")
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.PANEL)
    # A community-impact meeting follows the SIRM it was called after.
    follows = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    # What a community-impact meeting heard and agreed; it names no one, so schools may read it.
    summary = models.TextField(blank=True)
    title = models.CharField(max_length=200)
    scheduled_for = models.DateTimeField()
    # The venue or "Online"; never the address of a person.
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_for"]
        indexes = [models.Index(fields=["pathway", "status"], name="meeting_pathway_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose="panel", follows__isnull=True)
                | models.Q(purpose="community_impact", follows__isnull=False),
                name="meeting_follow_up_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.scheduled_for:%Y-%m-%d})"


class MeetingAttendee(models.Model):
    """An agency invited to a meeting, and who represents it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="meetings_attended")
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="attendee_unique_agency"),
        ]
        indexes = [models.Index(fields=["agency", "meeting"], name="attendee_agency")]

    def __str__(self) -> str:
        return f"{self.agency} at {self.meeting}"


class AgendaItem(models.Model):
    """One case discussed at one meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField()
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agendaitem_unique_case"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.case} at {self.meeting}"


class InformationShared(models.Model):
    """What one agency told the panel about one case, before or during the meeting."""

    class Phase(models.TextChoices):
        BEFORE = "before", "Before the meeting"
        DURING = "during", "At the meeting"

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="information"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    text = models.TextField()
    phase = models.CharField(max_length=10, choices=Phase.choices)
    shared_at = models.DateTimeField()

    class Meta:
        ordering = ["shared_at", "id"]
        verbose_name_plural = "information shared"

    def __str__(self) -> str:
        return f"{self.agency} on {self.agenda_item}"


class RiskRating(models.Model):
    """The panel's rating of one risk area for one case (a SIRM's reprisal risk, say).

    The areas and levels are the pathway definition's ``risk_areas`` and ``risk_levels``. Rating
    an area again replaces its rating; the audit trail keeps each earlier level.
    """

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="risk_ratings"
    )
    area = models.CharField(max_length=40)
    level = models.CharField(max_length=20)
    assessment = models.TextField(help_text="What the panel found and why it rated it so.")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["agenda_item", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "area"], name="riskrating_unique_area"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.level} on {self.agenda_item}"


class Action(models.Model):
    """A task the panel agreed for one case, owned by an attending agency."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="actions")
    # Denormalised from the agenda item so a case's actions are one indexed lookup.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="panel_actions")
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    agreed_at = models.DateTimeField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completion_note = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date", "agreed_at"]
        indexes = [
            models.Index(fields=["owner_agency", "status", "due_date"], name="action_agency_due"),
            models.Index(fields=["owner_user", "status", "due_date"], name="action_user_due"),
        ]

    def __str__(self) -> str:
        return f"Action for {self.owner_agency} on {self.case}, due {self.due_date}"
