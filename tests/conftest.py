import pytest
from django.test import Client

from casebridge.access.definitions import load_permissions
from casebridge.assessments.definitions import load_instruments
from casebridge.pathways.definitions import load_pathways
from tests.factories import sign_in
from tests.tiny_borough import run_last, tiny_borough

__all__ = ["tiny_borough"]  # a session fixture: the tiny demo borough, loaded once


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    run_last(items)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped definitions, as `sync-definitions` loads them."""
    with django_db_blocker.unblock():
        load_pathways()
        load_permissions()
        load_instruments()


@pytest.fixture
def signed_in_client():
    """A test client signed in (password and one-time code) as the given user."""

    def make(user) -> Client:
        client = Client()
        sign_in(client, user)
        return client

    return make
