"""Background work as users and pages see it: each run of a task (who started it, what it is
about, how far it has got, how it ended), and the schedules that start runs by themselves.

django-tasks queues and runs the work (its database backend keeps the queue); a ``TaskRun`` is
ours because the queue's own record is per attempt and knows no user: a run outlives the
attempts a killed worker cost it, and its starter is who may see it."""

import uuid

from django.conf import settings
from django.db import models


class TaskRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Random, so a run's address says nothing of how many others there are.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(max_length=200, help_text="The task's module path.")
    arguments = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200, help_text="What the run does, in a sentence.")
    # What the run is about, so the page that shows that thing finds its runs ("import_batch:12").
    about = models.CharField(max_length=100, blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="The page of what it is about.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a schedule started it.",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    # Each enqueue of the run is an attempt; the queue's result for the latest one.
    attempts = models.PositiveSmallIntegerField(default=0)
    result_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True, help_text="Why it failed, in plain English.")
    outcome = models.TextField(blank=True, help_text="What it did, in plain English.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["about", "-created_at"], name="taskrun_about"),
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["queued", "running"]),
                name="taskrun_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Schedule(models.Model):
    """A task that runs by itself: daily at a time, or weekly on a day at a time (UK local
    time). Written from ``definitions/schedules.yaml`` by ``sync-definitions``, never by hand."""

    class Every(models.TextChoices):
        DAY = "day", "Every day"
        WEEK = "week", "Every week"

    name = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    task = models.CharField(max_length=200, help_text="The task's module path.")
    every = models.CharField(max_length=4, choices=Every.choices)
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 is Monday; weekly schedules only."
    )
    at = models.TimeField(help_text="UK local time.")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class ScheduledRun(models.Model):
    """A schedule's run for one due time: the unique key is what makes two schedulers racing
    start it once."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="runs")
    due_at = models.DateTimeField()
    run = models.OneToOneField(TaskRun, on_delete=models.PROTECT, related_name="scheduled")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_at"], name="scheduledrun_once")
        ]

    def __str__(self) -> str:
        return f"{self.schedule} due {self.due_at:%Y-%m-%d %H:%M}"
