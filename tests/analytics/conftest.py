import pytest

from casebridge.analytics.spark import spark_connection

# The parity tests' records are a few dozen rows: Spark sized for them computes the same values
# with a fraction of the CPU. One core, one shuffle partition, no adaptive re-planning of plans
# that have nothing to coalesce, and a JVM that compiles its hot code once, quickly (C1), instead
# of again with the optimising compiler, which pays only for long runs; a small serial heap.
# Plans are evaluated as they are, not compiled to Java and then by Janino first: each of the
# parity tests' some hundreds of queries runs over a few dozen rows, so compiling its code cost
# more than running it (the JVM's CPU for test_spark_parity.py: 48.6 and 52.6 -> 39.8 and 44.5 s).
# The results are the same: the interpreted operators are Spark's own fallback, the ones it
# uses when code generation fails. (``factoryMode`` is an internal setting of Spark's.)
TINY_DATA = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


@pytest.fixture(scope="session")
def spark():
    """One Spark session for every parity test: starting one costs half a minute."""
    from pyspark.sql import SparkSession  # imported by the worker that starts it, not by every one

    yield spark_connection(master="local[1]", settings=TINY_DATA)
    SparkSession.getActiveSession().stop()
