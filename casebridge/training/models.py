"""GP surgeries in a domestic-abuse training and referral programme (such as IRIS), and the
training the partnership delivers to practitioners.

Nothing here identifies a person: a surgery's engagement is a dated history of statuses (the
status on any day is worked out from it, never typed in), referrals into the programme's
advocacy service are counts on a day, and training attendance is a count per agency per session
(many attendees have no account).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from casebridge.agencies.models import Agency


class Engagement(models.TextChoices):
    """Where a surgery is in the programme, in the order it normally moves."""

    NOT_ENGAGED = "not_engaged", "Not engaged"
    ENGAGED = "engaged", "Engaged"
    PARTIALLY_TRAINED = "partially_trained", "Partially trained"
    FULLY_TRAINED = "fully_trained", "Fully trained"
    WITHDRAWN = "withdrawn", "Withdrawn"


class GPSurgery(models.Model):
    """A general practice that may take part in the programme."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    # The NHS practice (ODS) code, such as E83001; stored upper-case.
    practice_code = models.CharField(max_length=10, unique=True)
    # The health agency the practice belongs to (a primary care network or trust), if recorded.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="gp_surgeries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "GP surgery"
        verbose_name_plural = "GP surgeries"

    def __str__(self) -> str:
        return f"{self.name} ({self.practice_code})"


class SurgeryStatusChange(models.Model):
    """From ``effective_on``, the surgery's status in the programme is ``status``."""

    surgery = models.ForeignKey(GPSurgery, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(max_length=20, choices=Engagement.choices)
    effective_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        # Same-day changes keep the order they were recorded in.
        ordering = ["surgery", "effective_on", "id"]
        indexes = [
            models.Index(fields=["surgery", "effective_on"], name="surgerystatus_surgery_day"),
        ]

    def __str__(self) -> str:
        return f"{self.surgery}: {self.get_status_display()} from {self.effective_on}"


class ProgrammeReferral(models.Model):
    """Patients a surgery referred to the programme's advocacy service on one day (a count)."""

    surgery = models.ForeignKey(GPSurgery, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField()
    count = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["referred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="programmereferral_count"),
        ]
        indexes = [models.Index(fields=["referred_on"], name="programmereferral_day")]

    def __str__(self) -> str:
        return f"{self.count} from {self.surgery} on {self.referred_on}"


class Course(models.Model):
    """A training course the partnership runs, such as Domestic Abuse Awareness Level 1."""

    class Level(models.TextChoices):
        AWARENESS = "awareness", "Awareness"
        PRACTITIONER = "practitioner", "Practitioner"
        SPECIALIST = "specialist", "Specialist"

    title = models.CharField(max_length=200, unique=True)
    level = models.CharField(max_length=20, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """One delivery of a course on one day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    delivered_on = models.DateField()
    # Who delivered it: a named trainer or an organisation (such as SafeLives).
    trainer = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["delivered_on", "recorded_at"]
        indexes = [models.Index(fields=["delivered_on"], name="trainingsession_day")]

    def __str__(self) -> str:
        return f"{self.course} on {self.delivered_on}"


class SessionAttendance(models.Model):
    """How many of one agency's staff attended one session."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    attendees = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "agency"], name="attendance_unique_agency"),
            models.CheckConstraint(condition=Q(attendees__gte=0), name="attendance_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.attendees} from {self.agency} at {self.session}"
