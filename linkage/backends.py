"""Which database Splink runs on. The model (linkage.model) does not know; only this module does."""
from __future__ import annotations

import os
from typing import Any

import pandas as pd

ENGINES = ("duckdb", "spark")


def get_db_api(engine: str = "duckdb", **options: Any):
    """A fresh Splink database API for `engine`.

    duckdb: in-process, the default (a 2-core machine links a 1,000,000-person town).
    spark: needs `pip install 'splink[spark]'` and Java 17+; pass `spark=<SparkSession>` or one is created locally.
    """
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        if "connection" not in options:
            con = duckdb.connect(":memory:")
            con.execute("SET enable_progress_bar = false")  # rich shows progress; DuckDB's bar would garble it
            options["connection"] = con
        return DuckDBAPI(**options)
    if engine == "spark":
        try:
            from pyspark.sql import SparkSession
            from splink import SparkAPI
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError("engine 'spark' needs the optional extra: pip install 'splink[spark]'") from exc
        spark = options.pop("spark", None) or local_spark_session()
        spark.sparkContext.setCheckpointDir(options.pop("checkpoint_dir", "/tmp/family-context-spark-checkpoints"))
        options.setdefault("num_partitions_on_repartition", 4)
        options.setdefault("break_lineage_method", "persist")  # in memory: one machine, no parquet round trips
        return SparkAPI(spark_session=spark, **options)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


JAVA17_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"


def _java_major(home: str) -> int | None:
    """The major version of the JDK at `home` (from its `release` file), or None."""
    try:
        text = open(os.path.join(home, "release"), encoding="utf-8").read() if home else ""
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("JAVA_VERSION="):
            v = line.split("=", 1)[1].strip('"')
            head = v.split(".")[0]
            return int(v.split(".")[1]) if head == "1" else int(head) if head.isdigit() else None
    return None


def local_spark_session(cores: int | None = None, driver_memory: str = "4g"):
    """A Spark session in local mode for one machine (Spark 4 needs Java 17+: JAVA_HOME is pointed at the machine's
    Java 17 when it is not set). Small shuffles: the defaults (200 partitions) are for clusters."""
    if os.path.isdir(JAVA17_HOME) and _java_major(os.environ.get("JAVA_HOME", "")) not in (17, 21):
        os.environ["JAVA_HOME"] = JAVA17_HOME  # unset, or a Java Spark 4.0 does not support (e.g. Temurin 25)
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    cores = cores or os.cpu_count() or 2
    spark = (SparkSession.builder.master(f"local[{cores}]").appName("family-context-linkage")
            .config("spark.driver.memory", driver_memory)
            .config("spark.jars", similarity_jar_location())  # Splink's jaro_winkler etc. as Spark SQL functions
            .config("spark.sql.shuffle.partitions", str(max(4, cores * 2)))
            .config("spark.default.parallelism", str(max(4, cores * 2)))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.adaptive.enabled", "true")
            .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register(db_api, engine: str, df: pd.DataFrame, name: str):
    """Register a pandas frame with the backend under a dataset name (it becomes `source_dataset`).

    DuckDB takes the pandas frame as it is. For Spark the frame is converted with an explicit schema (every column
    text, list columns arrays of text): Spark cannot infer the type of a column that is empty in one source."""
    if engine == "spark":
        from pyspark.sql.types import ArrayType, StringType, StructField, StructType

        fields = []
        cols = {}
        for c in df.columns:
            values = df[c]
            is_list = values.map(lambda v: isinstance(v, (list, tuple))).any()
            if is_list:
                fields.append(StructField(c, ArrayType(StringType()), True))
                cols[c] = [list(v) if isinstance(v, (list, tuple)) else None for v in values]
            else:
                fields.append(StructField(c, StringType(), True))
                cols[c] = [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]
        rows = list(zip(*cols.values())) if cols else []
        sdf = db_api.spark.createDataFrame(rows, schema=StructType(fields))
        return db_api.register(sdf, dataset_display_name=name)
    return db_api.register(df, dataset_display_name=name)
