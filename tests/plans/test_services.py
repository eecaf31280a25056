"""Keeping the partnership's action plans: who may, what is checked, and the kept history."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.plans.models import ActionPlan, Commitment
from casebridge.plans.services import action_plan_create, commitment_create, commitment_update
from tests.factories import AgencyFactory, UserFactory, role
from tests.plans.factories import ActionPlanFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(role=role("panel_coordinator"))


@pytest.fixture
def analyst():
    return UserFactory(role=role("analyst"))


def add(actor, plan, **values):
    values = {
        "reference": "2.3",
        "commitment": "Offer every woman arrested a key worker.",
        "owner_agency": AgencyFactory(),
        "owner": "Head of community safety",
        "due_on": date(2023, 3, 31),
        **values,
    }
    return commitment_create(actor=actor, plan=plan, **values)


def test_a_coordinator_adds_a_plan_and_it_is_audited(coordinator):
    plan = action_plan_create(
        actor=coordinator, code=" London-Blueprint ", title=" London Blueprint ", description="d"
    )
    assert (plan.code, plan.title) == ("london-blueprint", "London Blueprint")
    entry = AuditEvent.objects.get(object_type="action_plan", object_id=str(plan.pk))
    assert entry.action == "create" and entry.actor == coordinator


@pytest.mark.parametrize("code", ["", "two words", "blue_print", "-edge"])
def test_a_malformed_plan_code_is_refused(coordinator, code):
    with pytest.raises(ApplicationError) as error:
        action_plan_create(actor=coordinator, code=code, title="Plan")
    assert error.value.field == "code"


def test_a_plan_code_is_used_once(coordinator):
    ActionPlanFactory(code="blueprint")
    with pytest.raises(ApplicationError, match="already a plan") as error:
        action_plan_create(actor=coordinator, code="blueprint", title="Again")
    assert error.value.field == "code"


def test_a_plan_needs_a_title(coordinator):
    with pytest.raises(ApplicationError) as error:
        action_plan_create(actor=coordinator, code="plan", title="  ")
    assert error.value.field == "title"


@pytest.mark.parametrize("code", ["manager", "practitioner", "auditor"])
def test_only_coordinators_and_analysts_add_plans(code):
    with pytest.raises(AccessDenied):
        action_plan_create(actor=UserFactory(role=role(code)), code="plan", title="Plan")
    assert not ActionPlan.objects.exists()


def test_an_analyst_adds_a_commitment_not_started_and_audited(analyst):
    plan = ActionPlanFactory()
    commitment = add(analyst, plan, due_on=date(2020, 1, 1))  # recorded after it was agreed
    assert commitment.status == Commitment.Status.NOT_STARTED
    entry = AuditEvent.objects.get(object_type="commitment", action="create")
    assert entry.changes["due_on"] == [None, "2020-01-01"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("reference", " "), ("reference", "1234567890123"), ("commitment", ""), ("owner", " ")],
)
def test_a_commitment_needs_its_number_its_text_and_its_owner(analyst, field, value):
    with pytest.raises(ApplicationError) as error:
        add(analyst, ActionPlanFactory(), **{field: value})
    assert error.value.field == field


def test_a_commitment_number_is_used_once_in_a_plan(analyst):
    plan = ActionPlanFactory()
    add(analyst, plan, reference="1.1")
    with pytest.raises(ApplicationError, match=r"already has a commitment 1\.1"):
        add(analyst, plan, reference="1.1")
    assert add(analyst, ActionPlanFactory(), reference="1.1").pk  # another plan's 1.1


def test_a_manager_may_not_add_commitments():
    with pytest.raises(AccessDenied):
        add(UserFactory(role=role("manager")), ActionPlanFactory())


def test_updates_set_the_status_and_keep_the_history(coordinator):
    commitment = CommitmentFactory()
    first = commitment_update(
        actor=coordinator,
        commitment=commitment,
        status="on_track",
        note="Key workers in post",
        at=timezone.now() - timedelta(days=30),
    )
    commitment_update(actor=coordinator, commitment=commitment, status="at_risk", note="Funding")
    commitment.refresh_from_db()
    assert commitment.status == "at_risk"
    history = list(commitment.updates.values_list("status", "note"))
    assert history == [("on_track", "Key workers in post"), ("at_risk", "Funding")]
    assert first.updated_by == coordinator
    entry = AuditEvent.objects.filter(object_type="commitment", action="change").latest("sequence")
    assert entry.changes["status"] == ["on_track", "at_risk"]


def test_an_update_needs_a_known_status_and_a_note(coordinator):
    commitment = CommitmentFactory()
    with pytest.raises(ApplicationError) as error:
        commitment_update(actor=coordinator, commitment=commitment, status="late", note="n")
    assert error.value.field == "status"
    with pytest.raises(ApplicationError) as error:
        commitment_update(actor=coordinator, commitment=commitment, status="done", note=" ")
    assert error.value.field == "note"
    assert not commitment.updates.exists()


def test_an_update_is_not_in_the_future_nor_before_the_latest(coordinator):
    commitment = CommitmentFactory()
    with pytest.raises(ApplicationError, match="future"):
        commitment_update(
            actor=coordinator,
            commitment=commitment,
            status="done",
            note="n",
            at=timezone.now() + timedelta(hours=1),
        )
    commitment_update(actor=coordinator, commitment=commitment, status="on_track", note="n")
    with pytest.raises(ApplicationError, match="before the latest"):
        commitment_update(
            actor=coordinator,
            commitment=commitment,
            status="done",
            note="n",
            at=timezone.make_aware(datetime(2020, 1, 1)),
        )
    commitment.refresh_from_db()
    assert commitment.status == "on_track"


def test_a_manager_may_not_update_a_commitment():
    commitment = CommitmentFactory()
    with pytest.raises(AccessDenied):
        commitment_update(
            actor=UserFactory(role=role("manager")), commitment=commitment, status="done", note="n"
        )
    commitment.refresh_from_db()
    assert commitment.status == "not_started"
