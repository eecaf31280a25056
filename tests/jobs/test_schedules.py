"""Schedules are data (definitions/schedules.yaml, synced by sync-definitions): each names a
task and when it runs, and each due time starts one run, audited as the system's."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from casebridge.audit.models import AuditEvent
from casebridge.jobs.models import Schedule, ScheduledRun, TaskRun
from casebridge.jobs.schedules import due_at, load_schedules
from casebridge.jobs.services import schedules_enqueue_due

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def schedule(**fields) -> Schedule:
    made = Schedule.objects.create(
        **{
            "name": "count",
            "title": "Count the records",
            "task": "tests.jobs.tasks.succeeds",
            "every": Schedule.Every.DAY,
            "at": time(2, 0),
        }
        | fields
    )
    Schedule.objects.filter(pk=made.pk).update(created_at=at(2026, 1, 1))
    made.refresh_from_db()
    return made


def test_a_daily_schedule_is_due_at_its_time_today_once_past_it_else_yesterday():
    daily = schedule()
    assert due_at(daily, at(2026, 3, 10, 1, 59)) == at(2026, 3, 9, 2, 0)
    assert due_at(daily, at(2026, 3, 10, 2, 0)) == at(2026, 3, 10, 2, 0)
    # UK local time, across the clocks going forward (29 March 2026).
    assert due_at(daily, at(2026, 3, 30, 9, 0)) == at(2026, 3, 30, 2, 0)


def test_a_weekly_schedule_is_due_on_its_day():
    weekly = schedule(every=Schedule.Every.WEEK, weekday=0, at=time(8, 0))  # Mondays
    assert due_at(weekly, at(2026, 3, 11, 12, 0)) == at(2026, 3, 9, 8, 0)  # a Wednesday
    assert due_at(weekly, at(2026, 3, 9, 7, 0)) == at(2026, 3, 2, 8, 0)


def test_a_schedule_added_today_does_not_run_for_yesterday():
    added = schedule()
    Schedule.objects.filter(pk=added.pk).update(created_at=at(2026, 3, 10, 9, 0))
    added.refresh_from_db()
    assert due_at(added, at(2026, 3, 10, 12, 0)) is None
    assert due_at(added, at(2026, 3, 11, 2, 30)) == at(2026, 3, 11, 2, 0)


def test_a_due_time_starts_one_run_however_often_the_scheduler_looks():
    schedule()
    with time_machine.travel(at(2026, 3, 10, 2, 0, 30)):
        (first,) = schedules_enqueue_due()
        assert schedules_enqueue_due() == []
    first.refresh_from_db()
    assert (first.status, first.started_by, first.about) == (
        TaskRun.Status.DONE,
        None,
        "schedule:count",
    )
    assert ScheduledRun.objects.get().due_at == at(2026, 3, 10, 2, 0)
    entry = AuditEvent.objects.get(object_type="task_run", object_id=str(first.pk))
    assert (entry.actor_username, entry.summary) == ("system", "Scheduled: count the records")
    with time_machine.travel(at(2026, 3, 11, 2, 0, 30)):
        assert len(schedules_enqueue_due()) == 1  # the next day's


def test_a_scheduler_that_missed_the_others_run_is_refused_by_the_key(monkeypatch):
    """Two schedulers looked at once and both saw the due time not yet run: the second's
    insert meets the first's row (test_worker.py races two processes)."""
    from django.db.models import QuerySet

    schedule()
    with time_machine.travel(at(2026, 3, 10, 2, 0, 30)):
        schedules_enqueue_due()
        monkeypatch.setattr(QuerySet, "exists", lambda self: False)
        assert schedules_enqueue_due() == []
    assert TaskRun.objects.count() == ScheduledRun.objects.count() == 1


def test_a_disabled_schedule_starts_nothing():
    schedule(enabled=False)
    with time_machine.travel(at(2026, 3, 10, 2, 30)):
        assert schedules_enqueue_due() == []


def test_the_shipped_schedules_name_tasks_and_one_taken_out_is_disabled(tmp_path):
    names = {s.name for s in load_schedules()}
    assert names == {
        "figures-snapshot",
        "overdue-action-reminders",
        "access-review-reminders",
        "audit-anchor",
    }
    only_one = tmp_path / "schedules.yaml"
    only_one.write_text(
        "schedules:\n  - {name: figures-snapshot, title: Snapshot, every: day, at: '03:00',"
        " task: casebridge.analytics.tasks.snapshot_take}\n"
    )
    load_schedules(only_one)
    assert not Schedule.objects.get(name="overdue-action-reminders").enabled


def test_a_schedule_naming_no_task_is_refused(tmp_path):
    wrong = tmp_path / "schedules.yaml"
    wrong.write_text(
        "schedules:\n  - {name: x, title: X, every: week, at: '03:00',"
        " task: casebridge.jobs.models}\n"
    )
    with pytest.raises(ValidationError, match=r"a weekday for weekly schedules.*is not a task"):
        load_schedules(wrong)


def test_the_next_due_time_after_a_run_is_a_day_later():
    daily = schedule()
    due = due_at(daily, at(2026, 3, 10, 2, 30))
    assert due is not None and due + timedelta(days=1) == due_at(daily, at(2026, 3, 11, 3, 0))
