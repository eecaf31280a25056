import pytest

from casebridge.analytics.spark import spark_connection

# The parity tests' records are a few dozen rows: Spark sized for them computes the same values
# with a fraction of the CPU. One core, one shuffle partition, no adaptive re-planning of plans
# that have nothing to coalesce, and a JVM that compiles its hot code once, quickly (C1), instead
# of again with the optimising compiler, which pays only for long runs; a small serial heap.
TINY_DATA = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


@pytest.fixture(scope="session")
def spark():
    """One Spark session for every parity test: starting one costs half a minute."""
    from pyspark.sql import SparkSession  # imported by the worker that starts it, not by every one

    yield spark_connection(master="local[1]", settings=TINY_DATA)
    SparkSession.getActiveSession().stop()
