"""Work beside a transaction: on a connection of its own where the database lets one write
beside it (PostgreSQL, outside any transaction of the caller's: tests/bench/test_smoke.py runs an
import that way), otherwise in the caller's own transaction."""

import pytest
from django.db import transaction

from casebridge.agencies.models import Agency
from casebridge.core.beside import beside_transactions
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_inside_a_callers_transaction_the_work_lands_in_it_and_goes_with_its_rollback():
    with beside_transactions() as beside, transaction.atomic():
        beside.later(AgencyFactory)
        made = beside.ahead(Agency.objects.count)
        assert (beside(Agency.objects.count), made()) == (1, 1)
        transaction.set_rollback(True)
    assert not Agency.objects.exists()
