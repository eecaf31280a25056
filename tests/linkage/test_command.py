"""``casebridge linkage``: training as the system, and the size of the review queue."""

import io

import pytest
from django.core.management import CommandError, call_command

from casebridge.audit.models import AuditEvent
from casebridge.linkage.models import LinkageModel
from tests.factories import AgencyFactory
from tests.linkage.factories import pending_review, person, record_population, trained_settings

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("linkage", *args, stdout=out)
    return out.getvalue()


def test_train_puts_a_model_in_use_as_the_system(monkeypatch):
    settings = trained_settings()  # before training is replaced: it trains this way itself
    monkeypatch.setattr("casebridge.linkage.engine.train_model", lambda **_: settings)
    record_population(AgencyFactory(), records=200)

    printed = _run("train", "--upper", "21", "--lower", "7")

    model = LinkageModel.objects.get(is_current=True)
    assert (model.upper_threshold, model.lower_threshold, model.trained_by) == (21, 7, None)
    assert "Linkage model 1: trained on 200 people with DuckDB" in printed
    assert AuditEvent.objects.get(object_type="linkage_model").actor_username == "system"


def test_train_with_too_few_people_fails_with_the_reason():
    with pytest.raises(CommandError, match="at least 200 people"):
        _run("train")


def test_review_count_prints_the_pending_pairs():
    pending_review(person(), person())

    assert _run("review-count") == "1\n"
