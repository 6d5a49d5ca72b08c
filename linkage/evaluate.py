"""Score clusters.csv against a demo town's truth.csv: pairwise precision and recall of "same person" links.

    python -m linkage.evaluate var/demo/linked/clusters.csv var/demo/extracts/truth.csv
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd


def _pairs(n: pd.Series) -> int:
    return int((n * (n - 1) // 2).sum())


def score_clusters(clusters: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Pairwise precision/recall over the records present in both frames.

    A true positive is a pair of records in the same predicted person and the same true person.
    """
    c = clusters[["source", "record_id", "person_id"]].astype(str)
    t = truth[["source", "record_id", "true_person_id"]].astype(str)
    m = c.merge(t, on=["source", "record_id"], how="inner")
    predicted = _pairs(m.groupby("person_id").size())
    actual = _pairs(m.groupby("true_person_id").size())
    tp = _pairs(m.groupby(["person_id", "true_person_id"]).size())
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"records": int(len(m)), "predicted_pairs": predicted, "true_pairs": actual, "true_positive_pairs": tp,
            "false_positive_pairs": predicted - tp, "false_negative_pairs": actual - tp,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "predicted_people": int(m["person_id"].nunique()), "true_people": int(m["true_person_id"].nunique())}


def error_examples(clusters: pd.DataFrame, truth: pd.DataFrame, limit: int = 20) -> dict:
    """Some merged-wrongly clusters and some split people, for eyeballing."""
    m = clusters.astype({"record_id": str}).merge(truth.astype({"record_id": str}), on=["source", "record_id"])
    over = m.groupby("person_id")["true_person_id"].nunique()
    under = m.groupby("true_person_id")["person_id"].nunique()
    return {
        "merged": [m[m.person_id == p][["source", "record_id", "true_person_id"]].to_dict("records")
                   for p in over[over > 1].index[:limit]],
        "split": [m[m.true_person_id == p][["source", "record_id", "person_id"]].to_dict("records")
                  for p in under[under > 1].index[:limit]],
    }


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    clusters = pd.read_csv(Path(argv[0]), dtype=str, keep_default_na=False)
    truth = pd.read_csv(Path(argv[1]), dtype=str, keep_default_na=False)
    print(json.dumps(score_clusters(clusters, truth), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
