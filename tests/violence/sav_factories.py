"""Serious Adult Violence panel cases and meetings (people born in 1990, the factory's default)."""

import factory

from casebridge.pathways.models import Pathway
from tests.factories import CaseFactory
from tests.panels.factories import MeetingFactory


def sav() -> Pathway:
    return Pathway.objects.get(code="sav")


class SavCaseFactory(CaseFactory):
    reference = factory.Sequence(lambda n: f"SAV-T{n:05d}")
    pathway = factory.LazyFunction(sav)
    state = "accepted"
    referral_reason = "Stabbed a man outside a bar; linked to a group dealing drugs"


class SavMeetingFactory(MeetingFactory):
    pathway = factory.LazyFunction(sav)
    title = factory.Sequence(lambda n: f"Serious Adult Violence panel {n}")
