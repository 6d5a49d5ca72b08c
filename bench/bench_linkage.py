"""Linkage benchmark: generate a demo town, link it, score it against truth.csv.

    .venv/bin/python bench/bench_linkage.py --people 5000 --seed 7 [--engine duckdb] [--work var/bench]

Prints one JSON object: people, records, seconds per stage, CPU seconds and the load average (the machine is
shared), precision/recall/F1 of pairwise links, peak RSS.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from linkage.evaluate import score_clusters  # noqa: E402
from linkage.run import run_linkage  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _cpu_seconds() -> float:
    """User + system CPU of this process (all its threads, e.g. DuckDB's) and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--engine", default="duckdb")
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "linkage")
    ap.add_argument("--extracts", type=Path, default=None, help="link these extracts instead of generating a town")
    ap.add_argument("--cluster-threshold", type=float, default=None, help="override the cluster threshold")
    ap.add_argument("--html-report", action="store_true", help="also write linkage_report.html (not timed by default)")
    args = ap.parse_args()

    extracts = args.extracts or args.work / f"town-{args.people}-{args.seed}"
    t = time.perf_counter()
    if args.extracts is None:
        from demo_town.generate import generate_town

        with contextlib.redirect_stdout(sys.stderr):  # the generator's summary line; stdout is the JSON only
            generate_town(people=args.people, seed=args.seed, out=extracts)
    generate_s = time.perf_counter() - t

    out = args.work / f"linked-{args.people}-{args.seed}"
    # the machine is shared: CPU seconds and the load average say how much of the wall time was waiting for a core
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    kw = {"cluster_threshold": args.cluster_threshold} if args.cluster_threshold is not None else {}
    result = run_linkage(extracts=extracts, sources=ROOT / "demo_town" / "sources.yaml", out=out, engine=args.engine,
                         html_report=args.html_report, **kw)
    summary = {
        "people": args.people, "seed": args.seed, "engine": args.engine,
        "cluster_threshold": result.report["thresholds"]["cluster"],
        "records": result.report["rows_in"], "quarantined": result.report["quarantined"],
        "clusters": result.report["clusters"], "pairs_scored": result.report["pairs_scored"],
        "generate_seconds": round(generate_s, 2), "link_seconds": result.report["seconds"],
        "stage_seconds": result.report["timings_seconds"],
        "review_pairs": result.report["review"]["pairs"],
        "link_cpu_seconds": round(_cpu_seconds() - cpu_before, 1),
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "cores": os.cpu_count(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    truth = extracts / "truth.csv"
    if truth.is_file():
        clusters = pd.read_csv(out / "clusters.csv", dtype=str, keep_default_na=False)
        summary["scores"] = score_clusters(clusters, pd.read_csv(truth, dtype=str, keep_default_na=False))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
