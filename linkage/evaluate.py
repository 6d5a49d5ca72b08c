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
    # cluster level: a true person is "found whole" when exactly their records form one predicted person;
    # a predicted person is "pure" when all its records belong to one true person
    per_true = m.groupby("true_person_id")["person_id"].nunique()
    per_pred = m.groupby("person_id")["true_person_id"].nunique()
    pair_sizes = m.groupby(["person_id", "true_person_id"]).size()
    true_sizes = m.groupby("true_person_id").size()
    pred_sizes = m.groupby("person_id").size()
    whole = pair_sizes[(pair_sizes.values == true_sizes.reindex(pair_sizes.index.get_level_values(1)).values)
                       & (pair_sizes.values == pred_sizes.reindex(pair_sizes.index.get_level_values(0)).values)]
    multi_true = true_sizes[true_sizes > 1]
    whole_multi = whole[whole.values > 1]
    cluster = {
        "true_people_found_whole": round(len(whole) / len(true_sizes), 4) if len(true_sizes) else 1.0,
        "true_people_with_several_records_found_whole": round(len(whole_multi) / len(multi_true), 4)
        if len(multi_true) else 1.0,
        "predicted_people_pure": round(float((per_pred == 1).mean()), 4) if len(per_pred) else 1.0,
        "true_people_split": int((per_true > 1).sum()),
        "predicted_people_merging_several_true": int((per_pred > 1).sum()),
    }
    return {"records": int(len(m)), "predicted_pairs": predicted, "true_pairs": actual, "true_positive_pairs": tp,
            "false_positive_pairs": predicted - tp, "false_negative_pairs": actual - tp,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "predicted_people": int(m["person_id"].nunique()), "true_people": int(m["true_person_id"].nunique()),
            "cluster_level": cluster}


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
