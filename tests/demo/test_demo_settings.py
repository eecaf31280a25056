"""`casebridge demo-data` only where the settings are the demo's. Apart from the tiny borough's
tests (tests/demo/test_commands.py): a module's tests use the borough or none do."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency


@pytest.mark.django_db
def test_demo_data_refuses_outside_demo_settings(settings):
    settings.CASEBRIDGE_DEMO = False

    with pytest.raises(CommandError, match="only runs with demo settings"):
        call_command("demo_data", "--size", "tiny", stdout=StringIO())

    assert not User.objects.exists() and not Agency.objects.exists()
