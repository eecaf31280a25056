"""Action plans name no person: an ``action_plan`` rule grants all of them or none."""

from casebridge.access.policy import Resource
from casebridge.access.registry import Protected, all_or_none, protect
from casebridge.plans.models import ActionPlan, Commitment


def register_scopes() -> None:
    for model in (ActionPlan, Commitment):
        protect(Protected(model, Resource.ACTION_PLAN, all_or_none, fields=()))
