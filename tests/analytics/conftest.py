import pytest
from pyspark.sql import SparkSession

from casebridge.analytics.spark import spark_connection


@pytest.fixture(scope="session")
def spark():
    """One Spark session for every parity test: starting one costs half a minute."""
    yield spark_connection()
    SparkSession.getActiveSession().stop()
