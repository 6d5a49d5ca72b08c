"""`--engine spark`: the same settings on pyspark in local mode give the same people as DuckDB (a ~300-person town).

Slow (a Spark session starts, and Spark runs Splink's many small queries one job at a time), so marked `slow`;
it still runs in `make test`. Needs the `spark` extra (pyspark) and Java 17 (linkage.backends finds it)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkage.run import run_linkage

pytest.importorskip("pyspark")  # the `spark` extra (also in `dev`)
ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "demo_town" / "sources.yaml"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.slow
def test_spark_gives_the_same_clusters_as_duckdb(tmp_path):
    from demo_town.generate import generate_town

    generate_town(people=300, seed=3, out=tmp_path / "extracts")
    duck = run_linkage(extracts=tmp_path / "extracts", sources=SOURCES, out=tmp_path / "duckdb", quiet=True,
                       html_report=False)
    spark = run_linkage(extracts=tmp_path / "extracts", sources=SOURCES, out=tmp_path / "spark", engine="spark",
                        quiet=True, html_report=False)
    assert spark.report["engine"] == "spark"
    a, b = _read(tmp_path / "duckdb" / "clusters.csv"), _read(tmp_path / "spark" / "clusters.csv")
    assert len(a) == len(b) > 300
    assert (a[["source", "record_id"]].values == b[["source", "record_id"]].values).all()
    assert (a.person_id.values == b.person_id.values).all(), "Spark and DuckDB disagree on who is who"
    assert duck.report["multi_record_clusters"] == spark.report["multi_record_clusters"] > 20
    # the same pairs were scored, with the same probabilities
    pa, pb = _read(tmp_path / "duckdb" / "predictions.csv"), _read(tmp_path / "spark" / "predictions.csv")
    key = ["source_l", "record_id_l", "source_r", "record_id_r", "link"]
    m = pa.merge(pb, on=key, suffixes=("_d", "_s"))
    assert len(m) == len(pa) == len(pb)
    assert (m.match_probability_d.astype(float) - m.match_probability_s.astype(float)).abs().max() < 1e-6
    for c in [c for c in pa.columns if c.startswith("gamma_")]:
        assert (m[f"{c}_d"] == m[f"{c}_s"]).all(), c


def test_spark_session_uses_a_supported_java(monkeypatch):
    """Spark 4.0 runs on Java 17/21: an unset JAVA_HOME, or one naming Java 25, is pointed at Java 17."""
    from linkage import backends

    assert backends._java_major(backends.JAVA17_HOME) == 17
    assert backends._java_major("") is None
