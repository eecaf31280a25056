"""Assessments for tests, written straight to the database (the service has its own tests)."""

import factory
from django.utils import timezone

from casebridge.assessments import engine
from casebridge.assessments.definitions import load_instruments
from casebridge.assessments.models import Assessment, Instrument
from tests.factories import PersonFactory, UserFactory

CHECKLIST = "da-risk-checklist"


def checklist() -> Instrument:
    """The current shipped checklist, loaded first if this test's database has none yet (tests
    outside tests/assessments/ use these helpers without the ``instruments`` fixture)."""
    instrument = Instrument.objects.filter(code=CHECKLIST, is_current=True).first()
    if instrument is None:
        load_instruments()
        instrument = Instrument.objects.get(code=CHECKLIST, is_current=True)
    return instrument


def answers_with(yes: int, instrument: Instrument | None = None, rest: str = "no") -> dict:
    """Answers to every question: the first ``yes`` are "yes", the others ``rest``."""
    questions = (instrument or checklist()).questions
    return {q["code"]: "yes" if n < yes else rest for n, q in enumerate(questions)}


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    class Params:
        yes = 0

    person = factory.SubFactory(PersonFactory)
    instrument = factory.LazyFunction(checklist)
    instrument_code = factory.SelfAttribute("instrument.code")
    answers = factory.LazyAttribute(lambda o: answers_with(o.yes, o.instrument))
    score = factory.LazyAttribute(lambda o: engine.score(o.instrument.definition, o.answers))
    computed_band = factory.LazyAttribute(
        lambda o: engine.band_for(o.instrument.definition, o.score)["code"]
    )
    final_band = factory.SelfAttribute("computed_band")
    assessed_by = factory.SubFactory(UserFactory)
    assessing_agency = factory.SelfAttribute("assessed_by.agency")
    assessed_at = factory.LazyFunction(timezone.now)
    sequence = factory.Sequence(lambda n: n + 1)
