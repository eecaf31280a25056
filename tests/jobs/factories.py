import factory

from casebridge.jobs.models import TaskRun
from tests.factories import UserFactory


class TaskRunFactory(factory.django.DjangoModelFactory):
    """A run as a worker left it (no queue behind it)."""

    class Meta:
        model = TaskRun

    task = "tests.jobs.tasks.succeeds"
    title = "Refresh the figures"
    about = "snapshot"
    started_by = factory.SubFactory(UserFactory)
    status = TaskRun.Status.RUNNING
    attempts = 1
