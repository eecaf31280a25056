"""Reading plans: the overdue flag, the summary the board report prints, the history."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.plans.selectors import (
    commitment_get,
    commitment_history,
    plan_commitments,
    plan_get,
    plan_list,
    plan_summary,
)
from casebridge.plans.services import commitment_update
from tests.factories import UserFactory, role
from tests.plans.factories import ActionPlanFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

ON = date(2024, 4, 1)


@pytest.fixture
def plan():
    plan = ActionPlanFactory()
    for reference, due_on, status in [
        ("1.1", date(2024, 3, 31), "on_track"),  # overdue
        ("1.2", date(2024, 3, 31), "done"),  # finished: never overdue
        ("1.3", date(2024, 3, 1), "dropped"),
        ("1.4", ON, "at_risk"),  # due today: not yet overdue
        ("1.5", date(2023, 1, 1), "not_started"),  # overdue
    ]:
        CommitmentFactory(plan=plan, reference=reference, due_on=due_on, status=status)
    return plan


def test_a_commitment_is_overdue_when_due_before_the_day_and_not_done_or_dropped(plan):
    flags = {c.reference: c.overdue for c in plan_commitments(plan=plan, on=ON)}
    assert flags == {"1.1": True, "1.2": False, "1.3": False, "1.4": False, "1.5": True}


def test_commitments_are_listed_soonest_due_first(plan):
    references = [c.reference for c in plan_commitments(plan=plan, on=ON)]
    assert references == ["1.5", "1.3", "1.1", "1.2", "1.4"]


def test_the_summary_counts_each_status_and_the_overdue(plan):
    CommitmentFactory(due_on=date(2020, 1, 1))  # another plan's
    summary = plan_summary(plan=plan, on=ON)
    assert summary.total == 5 and summary.overdue == 2
    assert summary.by_status == [
        ("not_started", "Not started", 1),
        ("on_track", "On track", 1),
        ("at_risk", "At risk", 1),
        ("done", "Done", 1),
        ("dropped", "Dropped", 1),
    ]


def test_an_empty_plan_summarises_to_zeros():
    summary = plan_summary(plan=ActionPlanFactory(), on=ON)
    assert summary.total == summary.overdue == 0
    assert [count for _, _, count in summary.by_status] == [0, 0, 0, 0, 0]


def test_the_history_is_oldest_first():
    commitment = CommitmentFactory()
    coordinator = UserFactory(role=role("panel_coordinator"))
    now = timezone.now()
    for days, status in [(20, "on_track"), (10, "at_risk"), (0, "done")]:
        commitment_update(
            actor=coordinator,
            commitment=commitment,
            status=status,
            note=status,
            at=now - timedelta(days=days),
        )
    history = commitment_history(commitment=commitment)
    assert [u.status for u in history] == ["on_track", "at_risk", "done"]


def test_managers_read_plans_and_practitioners_see_none(plan):
    assert list(plan_list(user=UserFactory(role=role("manager")))) == [plan]
    assert plan_list(user=UserFactory(role=role("manager"))).get().commitment_count == 5
    practitioner = UserFactory(role=role("practitioner"))
    assert not plan_list(user=practitioner).exists()
    with pytest.raises(AccessDenied):
        plan_get(user=practitioner, plan_id=plan.pk)


def test_a_commitment_is_found_only_through_its_own_plan(plan):
    other = CommitmentFactory()
    analyst = UserFactory(role=role("analyst"))
    with pytest.raises(AccessDenied):
        commitment_get(user=analyst, commitment_id=other.pk, plan=plan)
    assert commitment_get(user=analyst, commitment_id=other.pk, plan=other.plan) == other
