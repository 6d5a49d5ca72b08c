"""Which database Splink runs on. The model (linkage.model) does not know; only this module does."""
from __future__ import annotations

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
        spark = options.pop("spark", None) or SparkSession.builder.master("local[*]").appName("family-context").getOrCreate()
        spark.sparkContext.setCheckpointDir(options.pop("checkpoint_dir", "/tmp/family-context-spark-checkpoints"))
        return SparkAPI(spark_session=spark, **options)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def register(db_api, engine: str, df: pd.DataFrame, name: str):
    """Register a pandas frame with the backend under a dataset name (it becomes `source_dataset`).

    Both DuckDBAPI and SparkAPI accept pandas frames (SparkAPI converts with spark.createDataFrame)."""
    return db_api.register(df, dataset_display_name=name)
