"""JSON logs, one object a line, with no personal data: a name typed into a search and into a
form never reaches them, whatever logs at whatever level meanwhile."""

import io
import json
import logging

import pytest
from django.urls import reverse

from casebridge.core.logs import JsonFormatter
from tests.factories import UserFactory, role

CANARY = "Zebedeeqx"


@pytest.fixture
def json_log():
    """Everything logged, at every level, as the JSON formatter writes it."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    # Django's development server's request lines do not reach the root logger.
    loggers = [logging.getLogger(), logging.getLogger("django.server")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield written
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.django_db
def test_a_name_searched_for_and_typed_into_a_form_is_never_logged(json_log, signed_in_client):
    client = signed_in_client(UserFactory(role=role("practitioner")))
    client.get(reverse("people:search"), {"name": CANARY, "born": "1 2 1990"})
    # A form refused (no family name), and one for a page that is not there: both logged.
    client.post(reverse("people:create"), {"given_name": CANARY, "sex": "x"})
    client.get(f"/people/not-a-page/?name={CANARY}")
    logging.getLogger("django.server").info('"GET /people/search/?name=%s HTTP/1.1" 200 5', CANARY)
    lines = json_log.getvalue().splitlines()
    assert lines and all(json.loads(line)["level"] for line in lines)
    assert any("/people/not-a-page/" in line for line in lines)
    assert CANARY not in json_log.getvalue()


def test_an_exception_is_logged_by_its_type_and_frames_without_its_message(json_log):
    try:
        raise ValueError(f"Key (family_name)=({CANARY}) already exists")
    except ValueError:
        logging.getLogger("casebridge").exception("Import batch %s stopped", 12)
    (entry,) = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert entry["message"] == "Import batch 12 stopped"
    assert entry["exception"] == "ValueError"
    assert "tests/core/test_logs.py:" in entry["frames"][0]
    assert CANARY not in json_log.getvalue()
