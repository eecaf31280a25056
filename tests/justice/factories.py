from datetime import date

import factory

from casebridge.justice.models import JusticeContact
from tests.casework.factories import WomensCaseFactory
from tests.factories import UserFactory


class JusticeContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JusticeContact

    case = factory.SubFactory(WomensCaseFactory)
    stage = JusticeContact.Stage.ARREST
    occurred_on = date(2022, 4, 1)
    recorded_by = factory.SubFactory(UserFactory)
