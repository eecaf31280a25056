"""What other processes changed is read once a request, and again after the request's own
writes, so a page never answers from what was kept before a change it made."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from casebridge.core import fingerprints
from casebridge.core.fingerprints import FingerprintsMiddleware
from casebridge.people.restricted import FINGERPRINT as CONFIDENTIAL
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def _during_a_request(view) -> None:
    FingerprintsMiddleware(lambda request: view() or HttpResponse())(RequestFactory().get("/"))


def test_every_fingerprint_is_read_in_one_statement_once_a_request():
    def view() -> None:
        with CaptureQueriesContext(connection) as queries:
            fingerprints.get_all()
            fingerprints.get(CONFIDENTIAL)
        assert len(queries) == 1

    _during_a_request(view)


def test_a_request_that_records_a_confidential_address_sees_it_afterwards():
    seen = []

    def view() -> None:
        seen.append(fingerprints.get(CONFIDENTIAL))
        AddressFactory(is_confidential=True)
        seen.append(fingerprints.get(CONFIDENTIAL))

    _during_a_request(view)

    assert seen[0] != seen[1]
