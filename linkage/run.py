"""`run_linkage`: extracts + sources.yaml -> standardised records, pairwise predictions, clusters with stable ids.

Pipeline (docs/linkage.md has the detail):
1. load and check the sources file and every extract's columns (errors name the file and column; nothing runs);
2. standardise every source (quarantine rows with no record id / no usable name; blank impossible DOBs with a warning);
3. exact links on trusted identifiers (NHS number, UPN, LCS id) -- probability 1.0;
4. Splink link_and_dedupe across all sources: u by random sampling, m by EM (priors on small data), predict;
5. connected components over Splink links at the cluster threshold plus the exact links;
6. write clusters.csv, standardised_records.csv, predictions.csv, quarantine.csv, run_report.json, model.json.
"""
from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from linkage import backends, model
from linkage.cluster import Clusterer, person_id_for  # noqa: F401  (person_id_for is public API)
from linkage.sources_config import SourcesConfig, load_sources, validate_extracts
from linkage.standardise import (
    MATCH_COLUMNS,
    STANDARDISED_COLUMNS,
    read_extract,
    standardise_phone,
    standardise_source,
)

log = logging.getLogger(__name__)

PREDICT_THRESHOLD = 0.2  # pairs at or above this are written to predictions.csv (for review of uncertain matches)
CLUSTER_THRESHOLD = 0.95  # pairs at or above this link records into one person
MIN_RECORDS_TO_TRAIN = 1000  # below this the prior m and u probabilities are kept (training is unstable on tiny data)
U_MAX_PAIRS = 1e6  # random pairs sampled to estimate u
EM_MAX_PAIRS = 5e6  # blocked pairs EM trains on at most (sampled above that, e.g. a 1,000,000-person town)

CLUSTERS_COLUMNS = ["source", "record_id", "person_id", "match_probability"]
QUARANTINE_COLUMNS = ["source", "file", "row_number", "record_id", "reason"]
STANDARDISED_OUT_COLUMNS = ["source", "record_id", "person_id", "first_name", "middle_name", "last_name", "dob", "sex",
                            "address", "postcode", "phone", "nhs_number", "upn", "lcs_id"]


@dataclass
class LinkageResult:
    out: Path
    clusters: pd.DataFrame
    report: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)


def _s(v: Any) -> str:
    """A text value, or "" for None/NaN."""
    return v if isinstance(v, str) else ""


def _fill_phones(records: pd.DataFrame, cfg: SourcesConfig, extracts: Path) -> int:
    """Fill each record's blank phone with its most recently updated number from the contact numbers file."""
    cn = cfg.contact_numbers
    if cn is None or records.empty:
        return 0
    df = read_extract(extracts / cn.file)
    if df.empty:
        return 0
    df = df.rename(columns={cn.source: "source", cn.record_id: "record_id", cn.phone: "_phone",
                            cn.updated_at: "_updated"})
    df["_phone"] = df["_phone"].map(standardise_phone)
    df = df[df["_phone"] != ""].sort_values(["source", "record_id", "_updated"], ascending=[True, True, False])
    latest = df.drop_duplicates(["source", "record_id"])[["source", "record_id", "_phone"]]
    merged = records[["source", "record_id"]].merge(latest, on=["source", "record_id"], how="left")
    fill = (records["phone"].values == "") & merged["_phone"].notna().values
    records.loc[fill, "phone"] = merged.loc[fill, "_phone"].values
    return int(fill.sum())


def _exact_links(records: pd.DataFrame, cfg: SourcesConfig) -> list[tuple[tuple[str, str], tuple[str, str], str]]:
    """Pairs of records sharing a trusted identifier (chained, not all pairs: a star from the first record)."""
    edges = []
    for kind in ("nhs_number", "upn", "lcs_id"):
        trusted_sources = [s.name for s in cfg.sources if kind in s.trusted_identifiers]
        if not trusted_sources:
            continue
        sub = records[records["source"].isin(trusted_sources) & (records[kind] != "")]
        sub = sub.sort_values([kind, "source", "record_id"])
        first_source = sub.groupby(kind)["source"].transform("first")
        first_id = sub.groupby(kind)["record_id"].transform("first")
        others = (sub["source"] != first_source) | (sub["record_id"] != first_id)
        for fs, fi, s_, r_ in zip(first_source[others], first_id[others], sub["source"][others], sub["record_id"][others]):
            edges.append(((fs, fi), (s_, r_), kind))
    return edges


def _splink_frame(records: pd.DataFrame) -> pd.DataFrame:
    cols = ["record_id", "sex", "nhs_number", "upn"] + MATCH_COLUMNS
    df = records[cols].copy()
    for c in ("nhs_number", "upn", "sex"):
        df[c] = df[c].where(df[c] != "", None)
    return df


def run_linkage(extracts: Path | str, sources: Path | str, out: Path | str, engine: str = "duckdb", *,
                cluster_threshold: float = CLUSTER_THRESHOLD, predict_threshold: float = PREDICT_THRESHOLD,
                quiet: bool = False, seed: int = 42) -> LinkageResult:
    """Link the extracts in `extracts` described by `sources` and write the output files into `out`.

    Raises linkage.sources_config.SourceConfigError (naming each missing file/column) before doing any work.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    extracts, sources, out = Path(extracts), Path(sources), Path(out)
    console = Console(stderr=True, quiet=quiet)
    if engine not in backends.ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(backends.ENGINES)}")

    cfg = load_sources(sources)
    validate_extracts(cfg, extracts)
    out.mkdir(parents=True, exist_ok=True)
    timings["check"] = time.perf_counter() - t0

    progress = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                        TimeElapsedColumn(), console=console, transient=True, disable=quiet)
    per_source: dict[str, dict[str, Any]] = {}
    frames: list[pd.DataFrame] = []
    quarantine: list[dict] = []
    warning_examples: list[dict] = []
    with progress:
        # ---------------------------------------------------------------- standardise
        t = time.perf_counter()
        task = progress.add_task("Standardising", total=len(cfg.sources))
        for src in cfg.sources:
            raw = read_extract(extracts / src.file)
            res = standardise_source(raw, src)
            reasons: dict[str, int] = defaultdict(int)
            for q in res.quarantine:
                reasons[q["reason"]] += 1
            per_source[src.name] = {"system": src.system, "file": src.file, "rows_in": len(raw),
                                    "quarantined": len(res.quarantine), "quarantine_reasons": dict(reasons),
                                    "warnings": res.warnings}
            quarantine.extend(res.quarantine)
            warning_examples.extend(res.warning_examples)
            frames.append(res.records)
            progress.advance(task)
        records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        phones_filled = _fill_phones(records, cfg, extracts)
        timings["standardise"] = time.perf_counter() - t

        # ---------------------------------------------------------------- exact links
        t = time.perf_counter()
        exact = _exact_links(records, cfg)
        timings["exact_links"] = time.perf_counter() - t

        # ---------------------------------------------------------------- Splink
        t = time.perf_counter()
        task = progress.add_task("Matching (Splink)", total=5)
        db_api = backends.get_db_api(engine)
        sdfs = []
        for src in cfg.sources:
            part = records[records["source"] == src.name]
            if len(part):
                sdfs.append(backends.register(db_api, engine, _splink_frame(part), src.name))
        model_info: dict[str, Any] = {"em": [], "trained": False}
        predictions = pd.DataFrame()
        if len(records) >= 2 and sdfs:
            from splink import Linker

            linker = Linker(sdfs, model.settings(), log_level=logging.ERROR)
            try:
                linker.training.estimate_probability_two_random_records_match(model.deterministic_rules(), recall=0.7)
            except Exception as exc:  # e.g. no deterministic matches at all in a tiny extract
                log.warning("prior match probability not estimated: %s", exc)
            progress.advance(task)
            if len(records) >= MIN_RECORDS_TO_TRAIN:
                t_u = time.perf_counter()
                linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
                timings["train_u"] = time.perf_counter() - t_u
                model_info["u_trained"] = True
            progress.advance(task)
            if len(records) >= MIN_RECORDS_TO_TRAIN:
                for rule in model.em_training_rules():
                    try:
                        t_em = time.perf_counter()
                        linker.training.estimate_parameters_using_expectation_maximisation(
                            rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS)
                        timings[f"train_em_{len(model_info['em']) + 1}"] = time.perf_counter() - t_em
                        model_info["em"].append(str(rule.get_blocking_rule("duckdb").blocking_rule_sql))
                    except Exception as exc:
                        log.warning("EM on %s skipped: %s", rule, exc)
                model_info["trained"] = bool(model_info["em"])
                model_info["adjusted_levels"] = model.enforce_monotonic_weights(linker)
            progress.advance(task)
            timings["train"] = time.perf_counter() - t
            t = time.perf_counter()
            pred_sdf = linker.inference.predict(threshold_match_probability=predict_threshold)
            predictions = pred_sdf.as_pandas_dataframe()
            progress.advance(task)
            linker.misc.save_model_to_json(str(out / "model.json"), overwrite=True)
            model_info["prior_match_probability"] = linker._settings_obj._probability_two_random_records_match
            progress.advance(task)
            timings["predict"] = time.perf_counter() - t
        else:
            (out / "model.json").write_text(json.dumps(model.settings().create_settings_dict("duckdb"), indent=2,
                                                       default=str))

        # ---------------------------------------------------------------- cluster
        t = time.perf_counter()
        if not predictions.empty:
            predictions = predictions.rename(columns={"source_dataset_l": "source_l", "source_dataset_r": "source_r"})
        gamma_cols = [c for c in predictions.columns if c.startswith("gamma_")]
        gamma_cols += [c for c in predictions.columns if c.startswith("mw_")]
        pred_cols = ["source_l", "record_id_l", "source_r", "record_id_r", "match_probability", "match_weight"]
        predictions = predictions[pred_cols + gamma_cols] if not predictions.empty else pd.DataFrame(columns=pred_cols)
        predictions["link"] = "splink"
        predictions["guarded"] = model.guarded(predictions) if len(predictions) else pd.Series(dtype=bool)
        if exact:
            ex = pd.DataFrame([{"source_l": a[0], "record_id_l": a[1], "source_r": b[0], "record_id_r": b[1],
                                "match_probability": 1.0, "match_weight": None, "link": f"exact:{kind}",
                                "guarded": False}
                               for a, b, kind in exact])
            predictions = pd.concat([predictions, ex], ignore_index=True)
        clusterer = Clusterer()
        keys = list(zip(records["source"], records["record_id"]))
        min_age = {src.name: src.min_age or 0 for src in cfg.sources}
        for k, dob, fn, fr, nhs in zip(keys, records["dob_std"], records["first_name_std"], records["first_name_raw"],
                                       records["nhs_number"]):
            clusterer.add(k, _s(dob), (_s(fn), _s(fr)), _s(nhs), min_age[k[0]])
        for a, b, _kind in exact:
            clusterer.union(a, b, force=True)
        strong = predictions[(predictions["link"] == "splink") & (predictions["match_probability"] >= cluster_threshold)
                             & ~predictions["guarded"].astype(bool)]
        strong = strong.sort_values(["match_probability", "source_l", "record_id_l", "source_r", "record_id_r"],
                                    ascending=[False, True, True, True, True], kind="stable")
        for sl, rl, sr, rr in zip(strong["source_l"], strong["record_id_l"], strong["source_r"], strong["record_id_r"]):
            clusterer.union((sl, rl), (sr, rr))
        pid_of = clusterer.person_ids()
        best: dict[tuple[str, str], float] = {}
        for sl, rl, sr, rr, p in zip(predictions["source_l"], predictions["record_id_l"], predictions["source_r"],
                                     predictions["record_id_r"], predictions["match_probability"]):
            a, b = (sl, rl), (sr, rr)
            if pid_of[a] == pid_of[b]:
                best[a] = max(best.get(a, 0.0), float(p))
                best[b] = max(best.get(b, 0.0), float(p))
        records["person_id"] = [pid_of[k] for k in keys]
        records["match_probability"] = [round(best.get(k, 1.0), 6) for k in keys]
        timings["cluster"] = time.perf_counter() - t

        # ---------------------------------------------------------------- write
        t = time.perf_counter()
        records = records.sort_values(["source", "record_id"], kind="stable").reset_index(drop=True)
        files = {
            "clusters": out / "clusters.csv",
            "standardised_records": out / "standardised_records.csv",
            "predictions": out / "predictions.csv",
            "quarantine": out / "quarantine.csv",
            "run_report": out / "run_report.json",
            "model": out / "model.json",
        }
        clusters = records[CLUSTERS_COLUMNS]
        clusters.to_csv(files["clusters"], index=False)
        records[STANDARDISED_OUT_COLUMNS].to_csv(files["standardised_records"], index=False)
        for c in predictions.columns:
            if c.startswith("gamma_"):
                predictions[c] = predictions[c].astype("Int64")
        predictions = predictions.sort_values(["source_l", "record_id_l", "source_r", "record_id_r"], kind="stable")
        predictions.to_csv(files["predictions"], index=False)
        pd.DataFrame(quarantine, columns=QUARANTINE_COLUMNS).to_csv(files["quarantine"], index=False)
        timings["write"] = time.perf_counter() - t

    linked_counts = records.groupby("source").size().to_dict() if len(records) else {}
    for name, info in per_source.items():
        info["linked"] = int(linked_counts.get(name, 0))
        info["balanced"] = info["rows_in"] == info["linked"] + info["quarantined"]
    cluster_sizes = records.groupby("person_id").size() if len(records) else pd.Series(dtype=int)
    seconds = time.perf_counter() - t0
    report = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "engine": engine,
        "extracts": str(extracts),
        "sources_file": str(sources),
        "thresholds": {"predict": predict_threshold, "cluster": cluster_threshold},
        "sources": per_source,
        "rows_in": int(sum(i["rows_in"] for i in per_source.values())),
        "quarantined": len(quarantine),
        "linked": int(len(records)),
        "phones_filled_from_contact_numbers": phones_filled,
        "exact_links": len(exact),
        "pairs_scored": int((predictions["link"] == "splink").sum()),
        "pairs_at_or_above_cluster_threshold": int((predictions["match_probability"] >= cluster_threshold).sum()),
        "links_refused_as_conflicting": clusterer.refused,
        "pairs_held_back_by_guards": int(((predictions["match_probability"] >= cluster_threshold)
                                          & predictions["guarded"].astype(bool)).sum()),
        "clusters": int(len(cluster_sizes)),
        "multi_record_clusters": int((cluster_sizes > 1).sum()),
        "largest_cluster": int(cluster_sizes.max()) if len(cluster_sizes) else 0,
        "model": model_info,
        "warning_examples": warning_examples,
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(seconds, 3),
    }
    files["run_report"].write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    console.print(f"[bold green]Linkage:[/] {report['rows_in']} records in, {report['quarantined']} quarantined, "
                  f"{report['linked']} linked into {report['clusters']} people "
                  f"({report['multi_record_clusters']} with several records), "
                  f"{seconds:.1f} s (engine {engine}) -> {out}", highlight=False, soft_wrap=True)
    return LinkageResult(out=out, clusters=clusters, report=report, files=files)
