import pytest

from casebridge.assessments.definitions import load_instruments


@pytest.fixture
def instruments(db):
    """The shipped instruments, loaded as `casebridge sync-definitions` would."""
    return load_instruments()
