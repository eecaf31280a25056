"""Training records name no person: a ``training`` rule grants all of them or none."""

from casebridge.access.policy import Resource
from casebridge.access.registry import Protected, all_or_none, protect
from casebridge.training.models import Course, GPSurgery, TrainingSession


def register_scopes() -> None:
    for model in (GPSurgery, Course, TrainingSession):
        protect(Protected(model, Resource.TRAINING, all_or_none, fields=()))
