"""Cases of the pathways with casework (IOM, the women's pathway) and what is recorded on them."""

from datetime import date

import factory

from casebridge.casework.models import Need, ServiceReferral, TierAssignment
from casebridge.pathways.models import Pathway
from tests.factories import CaseFactory, UserFactory


def pathway(code: str) -> Pathway:
    return Pathway.objects.get(code=code)


class IomCaseFactory(CaseFactory):
    reference = factory.Sequence(lambda n: f"IOM-T{n:05d}")
    pathway = factory.LazyFunction(lambda: pathway("iom"))
    state = "statutory"
    referral_reason = "Prolific acquisitive offending"


class WomensCaseFactory(CaseFactory):
    reference = factory.Sequence(lambda n: f"WWS-T{n:05d}")
    pathway = factory.LazyFunction(lambda: pathway("womens-whole-system"))
    state = "supported"
    referral_reason = "Arrested for shoplifting; debt and housing problems"


class TierAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TierAssignment

    case = factory.SubFactory(IomCaseFactory)
    tier = "amber"
    assigned_on = date(2022, 4, 1)
    assigned_by = factory.SubFactory(UserFactory)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    case = factory.SubFactory(IomCaseFactory)
    area = "accommodation"
    identified_on = date(2022, 4, 1)
    recorded_by = factory.SubFactory(UserFactory)


class ServiceReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceReferral

    case = factory.SubFactory(IomCaseFactory)
    service = "fitness_academy"
    referred_on = date(2022, 4, 1)
    recorded_by = factory.SubFactory(UserFactory)
