"""Running the same indicator expressions on Apache Spark, for London-wide or national volumes.

Ibis compiles the engine's expressions for Spark as it does for DuckDB; this module only makes
the session. Local mode uses this machine's cores; point ``master`` at a cluster to scale out.
"""

import logging
from collections.abc import Mapping
from typing import Any


def spark_connection(
    *,
    master: str = "local[2]",
    app_name: str = "casebridge-indicators",
    settings: Mapping[str, str] | None = None,
) -> Any:
    """An Ibis connection to a Spark session (dates and times in UTC, as the snapshot has them).

    ``settings`` are Spark's own, applied after these defaults (the tests size it for tiny data);
    the driver's JVM options among them count only for the session that starts the JVM."""
    import ibis
    from pyspark.sql import SparkSession

    # py4j logs each connection it closes, even while Python is shutting down.
    logging.getLogger("py4j").setLevel(logging.WARNING)

    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
    )
    for key, value in (settings or {}).items():
        builder = builder.config(key, value)
    return ibis.pyspark.connect(builder.getOrCreate())
