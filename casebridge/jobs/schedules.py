"""Schedules as data: read from ``definitions/schedules.yaml`` (``sync-definitions``), and when
each is next due."""

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from casebridge.core.schemas import Schema
from casebridge.jobs.models import Schedule

DEFINITIONS = Path(__file__).parent / "definitions" / "schedules.yaml"
SCHEMA = Schema(Path(__file__).parent / "definitions" / "schema.json")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def read_schedules(path: Path = DEFINITIONS) -> list[dict[str, Any]]:
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    SCHEMA.check(definition, source=path.name)
    schedules = definition["schedules"]
    problems = []
    names = [schedule["name"] for schedule in schedules]
    if len(set(names)) != len(names):
        problems.append("schedule names repeat")
    for schedule in schedules:
        if (schedule["every"] == "week") != ("weekday" in schedule):
            problems.append(f"{schedule['name']}: a weekday for weekly schedules, and only them")
        try:
            task = import_string(schedule["task"])
        except ImportError:
            task = None
        if not isinstance(task, Task):
            problems.append(f"{schedule['name']}: {schedule['task']} is not a task")
    if problems:
        raise ValidationError(f"{path.name}: " + "; ".join(problems))
    return schedules


@transaction.atomic
def load_schedules(path: Path = DEFINITIONS) -> list[Schedule]:
    """Create or update each schedule from the file; disable those no longer in it."""
    schedules = [
        Schedule.objects.update_or_create(
            name=definition["name"],
            defaults={
                "title": definition["title"],
                "task": definition["task"],
                "every": definition["every"],
                "weekday": WEEKDAYS.index(definition["weekday"])
                if "weekday" in definition
                else None,
                "at": time.fromisoformat(definition["at"]),
                "enabled": True,
            },
        )[0]
        for definition in read_schedules(path)
    ]
    Schedule.objects.exclude(pk__in=[s.pk for s in schedules]).update(enabled=False)
    return schedules


def due_at(schedule: Schedule, now: datetime) -> datetime | None:
    """The schedule's latest due time at ``now`` (UK local time), or None if that was before
    the schedule existed (a schedule added today does not run for yesterday)."""
    local = timezone.localtime(now)
    due = local.replace(hour=schedule.at.hour, minute=schedule.at.minute, second=0, microsecond=0)
    if schedule.every == Schedule.Every.WEEK:
        due -= timedelta(days=(local.weekday() - (schedule.weekday or 0)) % 7)
    if due > local:
        due -= timedelta(days=7 if schedule.every == Schedule.Every.WEEK else 1)
    return due if due >= schedule.created_at else None
