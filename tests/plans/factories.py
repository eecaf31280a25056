from datetime import date

import factory

from casebridge.plans.models import ActionPlan, Commitment
from tests.factories import AgencyFactory


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    code = factory.Sequence(lambda n: f"plan-{n}")
    title = "London Blueprint for women in contact with the criminal justice system"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    plan = factory.SubFactory(ActionPlanFactory)
    reference = factory.Sequence(lambda n: f"1.{n}")
    commitment = "Offer every woman arrested a women's centre key worker."
    owner_agency = factory.SubFactory(AgencyFactory)
    owner = "Head of community safety"
    due_on = date(2023, 3, 31)
