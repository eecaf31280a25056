from datetime import timedelta

from django.utils import timezone

from casebridge.demo.extracts import _suspects
from casebridge.incidents.models import Incident
from tests.factories import AgencyFactory, PersonFactory


def test_suspects_are_drawn_in_the_order_of_their_first_incidents_not_of_their_random_ids(db):
    police = AgencyFactory()
    first_seen = timezone.now() - timedelta(days=30)
    suspects = [PersonFactory() for _ in range(6)]
    for n, suspect in enumerate(suspects):
        for later in (0, 10):  # a second incident does not move them
            Incident.objects.create(
                reporting_agency=police,
                reference=f"01/{n}/{later}",
                category="violence_with_injury",
                occurred_at=first_seen + timedelta(days=n + later),
                suspect=suspect,
            )
    drawn = _suspects()
    assert [person for person, _ in drawn] == suspects
    assert [day for _, day in drawn] == [(first_seen + timedelta(days=n)).date() for n in range(6)]
