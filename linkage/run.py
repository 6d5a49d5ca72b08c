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

import functools
import gc
import json
import logging
import math
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
from linkage.csv_out import write_csv
from linkage.decisions import effective_decisions, load_decisions
from linkage.explain import (build_explanations, explanations_json, level_labels, waterfall_sample,
                             write_html_report)
from linkage.identity import CHANGES_COLUMNS, ID_MAP_FILE, read_id_map, write_id_map
from linkage.sources_config import SourcesConfig, load_sources, validate_extracts
from linkage.standardise import (
    MATCH_COLUMNS,
    STANDARDISED_COLUMNS,
    BadRow,
    clean_text,
    read_extract_rows,
    standardise_phones,
    standardise_source,
)

log = logging.getLogger(__name__)

REVIEW_BAND = (0.2, 0.8)  # a record whose best scored match lies in this band is listed for review, linked or not
PREDICT_THRESHOLD = 0.2  # pairs at or above this are written to predictions.csv (for review of uncertain matches)
CLUSTER_THRESHOLD = 0.5  # pairs at or above this link records into one person (guards and conflict checks still apply)
MIN_RECORDS_TO_TRAIN = 1000  # below this the prior m and u probabilities are kept (training is unstable on tiny data)
U_MAX_PAIRS = 1e6  # random pairs sampled to estimate u
# blocked pairs EM trains on at most (sampled above that): 5e6 took ~4x as long at 1,000,000 records, same scores
EM_MAX_PAIRS = 2e6

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


def _fill_phones(records: pd.DataFrame, cfg: SourcesConfig, extracts: Path) -> tuple[int, int]:
    """Fill each record's blank phone with its most recently updated number from the contact numbers file.
    Returns (phones filled, malformed contact-number rows left out)."""
    cn = cfg.contact_numbers
    if cn is None or records.empty:
        return 0, 0
    # a malformed contact-number row only loses a phone number: it is left out (counted in the report)
    contact = read_extract_rows(extracts / cn.file, cn.file)
    df = contact.frame
    if df.empty:
        return 0, len(contact.bad_rows)
    df = df.rename(columns={cn.source: "source", cn.record_id: "record_id", cn.phone: "_phone",
                            cn.updated_at: "_updated"})
    df["_phone"] = standardise_phones(df["_phone"].to_numpy(dtype=object))
    df = df[df["_phone"] != ""].sort_values(["source", "record_id", "_updated"], ascending=[True, True, False])
    latest = df.drop_duplicates(["source", "record_id"])[["source", "record_id", "_phone"]]
    merged = records[["source", "record_id"]].merge(latest, on=["source", "record_id"], how="left")
    fill = (records["phone"].values == "") & merged["_phone"].notna().values
    records.loc[fill, "phone"] = merged.loc[fill, "_phone"].values
    return int(fill.sum()), len(contact.bad_rows)


def _bad_row_quarantine(src, header: list[str], bad: BadRow) -> dict:
    """A quarantine entry for a row with a wrong number of fields; its record id when the row still holds it."""
    names = [h.strip() for h in header]
    idx = [names.index(c) for c in src.record_id]
    rid = "-".join(clean_text(bad.fields[i]) for i in idx) if all(i < len(bad.fields) for i in idx) else ""
    return {"source": src.name, "file": src.file, "row_number": bad.row_number, "record_id": rid,
            "reason": bad.reason}


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
        for fs, fi, s_, r_ in zip(first_source[others].tolist(), first_id[others].tolist(),
                                  sub["source"][others].tolist(), sub["record_id"][others].tolist()):
            edges.append(((fs, fi), (s_, r_), kind))
    return edges


PREDICTION_ID_COLUMNS = ("source_dataset_l", "record_id_l", "source_dataset_r", "record_id_r", "match_probability",
                         "match_weight")


def _prediction_frame(pred_sdf, engine: str, every_column: bool) -> pd.DataFrame:
    """The scored pairs as pandas. On DuckDB, unless the HTML report (whose waterfall chart shows the matching values)
    is wanted, only the columns the outputs use -- ids, probability, weight, gamma_* and mw_* -- are fetched, not
    every retained matching and term-frequency column (a third of the bytes, at 1,000,000 records)."""
    if engine != "duckdb" or every_column:
        return pred_sdf.as_pandas_dataframe()
    rel = pred_sdf.as_duckdbpyrelation()
    keep = [c for c in rel.columns if c in PREDICTION_ID_COLUMNS or c.startswith(("gamma_", "mw_"))]
    return rel.select(*keep).to_df()


def _splink_frame(records: pd.DataFrame) -> pd.DataFrame:
    cols = ["record_id", "sex", "nhs_number", "upn"] + MATCH_COLUMNS
    df = records[cols].copy()
    for c in ("nhs_number", "upn", "sex"):
        df[c] = df[c].where(df[c] != "", None)
    return df


REVIEW_COLUMNS = ["reason", "match_probability", "match_weight", "source_l", "record_id_l", "person_id_l", "source_r",
                  "record_id_r", "person_id_r", "first_name_l", "last_name_l", "dob_l", "postcode_l", "first_name_r",
                  "last_name_r", "dob_r", "postcode_r"]


def _review_list(records, predictions, pid_of, best, best_any, refused_pairs, low, high) -> pd.DataFrame:
    """Pairs a data manager should look at (review.csv):
    - `uncertain: linked` / `uncertain: not linked`: a record's best scored match lies in [low, high) (near the
      cluster threshold, on either side);
    - `refused:<why>`: the model scored the pair at or above the cluster threshold, but joining them would have put
      clearly conflicting records (DOB, forename, NHS number, an adults-only source and a child) in one person.
    Pairs held back by the guards (twins, parent and child) are not listed: they are the model's known blind spot,
    not uncertainty; they stay in predictions.csv with guarded=True.
    Pairs a human already decided are left out."""
    rows: dict[tuple, dict] = {}
    band = [(p, i) for p, i in best_any.values() if low <= p < high]
    if band:  # one take of the rows needed, not one .iloc per record (a 1,000,000-record run has ~10,000)
        sub = predictions.iloc[[i for _, i in band]]
        decided = sub["decision"].tolist() if "decision" in sub.columns else [""] * len(sub)
        for (p, _), sl, rl, sr, rr, w, dec in zip(band, *(sub[c].tolist() for c in (
                "source_l", "record_id_l", "source_r", "record_id_r", "match_weight")), decided):
            if dec:
                continue
            a, b = (sl, rl), (sr, rr)
            why = "uncertain: linked" if pid_of[a] == pid_of[b] else "uncertain: not linked"
            rows.setdefault(tuple(sorted((a, b))), {"reason": why, "match_probability": p, "match_weight": w})
    weight = {tuple(sorted(((sl, rl), (sr, rr)))): w for sl, rl, sr, rr, w in zip(
        *(predictions[c].tolist() for c in ("source_l", "record_id_l", "source_r", "record_id_r", "match_weight")))
    } if refused_pairs else {}
    for a, b, p, why in refused_pairs:
        if pid_of[a] != pid_of[b] and why != "decision":
            pk = tuple(sorted((a, b)))
            rows.setdefault(pk, {"reason": f"refused:{why}", "match_probability": p, "match_weight": weight.get(pk)})
    if not rows:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    need = {k for pair in rows for k in pair}
    shown_cols = ("first_name", "last_name", "dob", "postcode")
    shown = {k: dict(zip(shown_cols, v)) for k, *v in zip(
        zip(records["source"].tolist(), records["record_id"].tolist()), *(records[c].tolist() for c in shown_cols))
        if k in need}
    out = []
    for (a, b), info in rows.items():
        ra, rb = shown[a], shown[b]
        out.append({**info, "source_l": a[0], "record_id_l": a[1], "person_id_l": pid_of[a], "source_r": b[0],
                    "record_id_r": b[1], "person_id_r": pid_of[b],
                    **{f"{c}_l": ra[c] for c in ("first_name", "last_name", "dob", "postcode")},
                    **{f"{c}_r": rb[c] for c in ("first_name", "last_name", "dob", "postcode")}})
    df = pd.DataFrame(out, columns=REVIEW_COLUMNS)
    return df.sort_values(["match_probability", "source_l", "record_id_l"], ascending=[False, True, True],
                          kind="stable").reset_index(drop=True)


def without_cyclic_gc(fn):
    """Run `fn` with Python's cycle collector paused (restored afterwards, also on error). Used by linkage and by
    the graph loader (graph_loader/load.py), the two jobs that build millions of small objects.

    A 1,000,000-record run holds millions of small objects (record keys, groups, JSON fragments); every few thousand
    new ones the collector walked that whole heap, and the Python-heavy stages (cluster, write) spent about a third of
    their time in it. What the run builds is freed by reference counting as usual; only cyclic garbage waits for the
    next collection after the run."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return wrapper


@without_cyclic_gc
def run_linkage(extracts: Path | str, sources: Path | str, out: Path | str, engine: str = "duckdb", *,
                cluster_threshold: float = CLUSTER_THRESHOLD, predict_threshold: float = PREDICT_THRESHOLD,
                review_band: tuple[float, float] = REVIEW_BAND, quiet: bool = False, seed: int = 42,
                previous: Path | str | None = None, state_dir: Path | str | None = None,
                decisions: Path | str | None = None, html_report: bool = True,
                spark_options: dict | None = None) -> LinkageResult:
    """Link the extracts in `extracts` described by `sources` and write the output files into `out`.

    previous: a previous run folder (or its clusters.csv): person ids are carried forward from it.
    state_dir: a folder outside the run (e.g. var/linkage) holding the persistent id map `person_ids.csv` (read when
        `previous` is not given, rewritten after the run) and, unless `decisions` says otherwise, `decisions.csv`.
    decisions: the human link decisions file (linkage.decisions); applied on every run, winning over the model.
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
            extract = read_extract_rows(extracts / src.file, src.file)
            raw = extract.frame
            res = standardise_source(raw, src, row_numbers=extract.row_numbers if extract.bad_rows else None)
            source_quarantine = res.quarantine
            if extract.bad_rows:
                source_quarantine = sorted(source_quarantine + [_bad_row_quarantine(src, extract.header, b)
                                                                for b in extract.bad_rows],
                                           key=lambda q: q["row_number"])
            reasons: dict[str, int] = defaultdict(int)
            for q in source_quarantine:
                reasons[q["reason"]] += 1
            per_source[src.name] = {"system": src.system, "file": src.file,
                                    "rows_in": len(raw) + len(extract.bad_rows),
                                    "quarantined": len(source_quarantine), "quarantine_reasons": dict(reasons),
                                    "warnings": res.warnings}
            quarantine.extend(source_quarantine)
            warning_examples.extend(res.warning_examples)
            frames.append(res.records)
            progress.advance(task)
        records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        phones_filled, contact_rows_malformed = _fill_phones(records, cfg, extracts)
        timings["standardise"] = time.perf_counter() - t

        # ---------------------------------------------------------------- exact links
        t = time.perf_counter()
        exact = _exact_links(records, cfg)
        timings["exact_links"] = time.perf_counter() - t

        # ---------------------------------------------------------------- Splink
        t = time.perf_counter()
        task = progress.add_task("Matching (Splink)", total=5)
        db_api = backends.get_db_api(engine, **(spark_options or {}))
        sdfs = []
        for src in cfg.sources:
            part = records[records["source"] == src.name]
            if len(part):
                sdfs.append(backends.register(db_api, engine, _splink_frame(part), src.name))
        model_info: dict[str, Any] = {"em": [], "trained": False}
        predictions = pd.DataFrame()
        linker = pred_sdf = None
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
            predictions = _prediction_frame(pred_sdf, engine, every_column=html_report)
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
        # a few pairs with every column Splink kept, for the waterfall chart (the full-width frame is not kept)
        raw_predictions = waterfall_sample(predictions, cluster_threshold, review_band) if html_report else None
        if not predictions.empty:
            predictions = predictions.rename(columns={"source_dataset_l": "source_l", "source_dataset_r": "source_r"})
        gamma_cols = [c for c in predictions.columns if c.startswith("gamma_")]
        gamma_cols += [c for c in predictions.columns if c.startswith("mw_")]
        pred_cols = ["source_l", "record_id_l", "source_r", "record_id_r", "match_probability", "match_weight"]
        predictions = predictions[pred_cols + gamma_cols] if not predictions.empty else pd.DataFrame(columns=pred_cols)
        predictions["link"] = "splink"
        predictions["guarded"] = model.guarded(predictions) if len(predictions) else pd.Series(dtype=bool)
        keys = list(zip(records["source"].tolist(), records["record_id"].tolist()))
        known = set(keys)

        # human decisions (latest per pair), only for records present in this run
        decisions_path = Path(decisions) if decisions else (Path(state_dir) / "decisions.csv" if state_dir else None)
        effective = effective_decisions(load_decisions(decisions_path))
        applicable = {p: d for p, d in effective.items() if p[0] in known and p[1] in known}
        same_dec = [(d.a, d.b, d.decided_by, d.decided_at) for p, d in sorted(applicable.items())
                    if d.decision == "same"]
        diff_dec = [(d.a, d.b) for p, d in sorted(applicable.items()) if d.decision == "different"]
        decision_of = {p: d.decision for p, d in applicable.items()}
        extra_rows = [{"source_l": a[0], "record_id_l": a[1], "source_r": b[0], "record_id_r": b[1],
                       "match_probability": 1.0, "match_weight": None, "link": f"exact:{kind}", "guarded": False}
                      for a, b, kind in exact]
        # Who confirmed the link and when travel with it to explanations.csv and the person page.
        extra_rows += [{"source_l": a[0], "record_id_l": a[1], "source_r": b[0], "record_id_r": b[1],
                        "match_probability": 1.0, "match_weight": None, "link": "decision:same", "guarded": False,
                        "decided_by": by, "decided_at": at}
                       for a, b, by, at in same_dec]
        if extra_rows:
            predictions = pd.concat([predictions, pd.DataFrame(extra_rows)], ignore_index=True)
        if decision_of:
            pair_keys = [tuple(sorted(((sl, rl), (sr, rr)))) for sl, rl, sr, rr in zip(
                *(predictions[c].tolist() for c in ("source_l", "record_id_l", "source_r", "record_id_r")))]
            predictions["decision"] = [decision_of.get(pk, "") for pk in pair_keys]
        else:
            predictions["decision"] = ""

        clusterer = Clusterer()
        min_age = {src.name: src.min_age or 0 for src in cfg.sources}
        for k, dob, fn, fr, nhs in zip(keys, *(records[c].tolist() for c in ("dob_std", "first_name_std",
                                                                             "first_name_raw", "nhs_number"))):
            clusterer.add(k, _s(dob), (_s(fn), _s(fr)), _s(nhs), min_age[k[0]])
        joined: set[tuple] = set()  # the links that joined two groups (explanations: "joined")
        refused_pairs: list[tuple] = []  # (a, b, probability, why) for review

        def _join(a, b, how, force=False, prob=None):
            before = clusterer.find(a) != clusterer.find(b)
            ok = clusterer.union(a, b, force=force)
            if ok and before:
                joined.add((a, b, how))
            elif not ok and prob is not None:
                refused_pairs.append((a, b, prob, clusterer.last_refusal))
            return ok

        for a, b in diff_dec:
            clusterer.cannot_link(a, b)
        decision_conflicts = []
        for a, b, _, _ in same_dec:
            if not _join(a, b, "decision:same", force=True):
                decision_conflicts.append({"same": [f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}"],
                                           "refused_because": "a 'different' decision keeps these people apart"})
        for a, b, kind in exact:
            _join(a, b, f"exact:{kind}", force=True)
        overruled = predictions["decision"] == "different"
        strong = predictions[(predictions["link"] == "splink") & (predictions["match_probability"] >= cluster_threshold)
                             & ~predictions["guarded"].astype(bool) & ~overruled]
        strong = strong.sort_values(["match_probability", "source_l", "record_id_l", "source_r", "record_id_r"],
                                    ascending=[False, True, True, True, True], kind="stable")
        for sl, rl, sr, rr, p in zip(*(strong[c].tolist() for c in ("source_l", "record_id_l", "source_r",
                                                                    "record_id_r", "match_probability"))):
            _join((sl, rl), (sr, rr), "splink", prob=float(p))

        # person ids: carried forward from the previous run / persistent id map where records still cluster together
        prev_source = Path(previous) if previous else (Path(state_dir) / ID_MAP_FILE if state_dir else None)
        prev_ids = read_id_map(prev_source) if prev_source else {}
        pid_of = clusterer.person_ids(prev_ids)
        changes = clusterer.identity_changes
        best: dict[tuple[str, str], float] = {}
        best_any: dict[tuple[str, str], tuple[float, int]] = {}  # best scored pair of each record, in or out of its person
        for i, (sl, rl, sr, rr, p) in enumerate(zip(*(predictions[c].tolist() for c in (
                "source_l", "record_id_l", "source_r", "record_id_r", "match_probability")))):
            a, b = (sl, rl), (sr, rr)
            p = float(p)
            if pid_of[a] == pid_of[b]:
                if p > best.get(a, 0.0):
                    best[a] = p
                if p > best.get(b, 0.0):
                    best[b] = p
            for k in (a, b):
                if p > best_any.get(k, (-1.0, -1))[0]:
                    best_any[k] = (p, i)
        records["person_id"] = [pid_of[k] for k in keys]
        records["match_probability"] = [round(best.get(k, 1.0), 6) for k in keys]
        timings["cluster"] = time.perf_counter() - t

        # ---------------------------------------------------------------- review list
        t = time.perf_counter()
        review = _review_list(records, predictions, pid_of, best, best_any, refused_pairs, *review_band)
        timings["review"] = time.perf_counter() - t

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
            "review": out / "review.csv",
            "explanations": out / "explanations.csv",
            "explanations_json": out / "explanations.json",
            "identity_changes": out / "identity_changes.csv",
        }
        clusters = records[CLUSTERS_COLUMNS]
        write_csv(clusters, files["clusters"])
        write_csv(records[STANDARDISED_OUT_COLUMNS], files["standardised_records"])
        for c in predictions.columns:
            if c.startswith("gamma_"):
                predictions[c] = predictions[c].astype("Int64")
        predictions = predictions.sort_values(["source_l", "record_id_l", "source_r", "record_id_r"], kind="stable")
        write_csv(predictions, files["predictions"])
        pd.DataFrame(quarantine, columns=QUARANTINE_COLUMNS).to_csv(files["quarantine"], index=False)
        review.to_csv(files["review"], index=False)
        pd.DataFrame(changes.rows, columns=CHANGES_COLUMNS).to_csv(files["identity_changes"], index=False)
        model_json = json.loads(files["model"].read_text(encoding="utf-8"))
        labels = level_labels(model_json)
        explanations = build_explanations(predictions, pid_of, joined, labels, model.COMPARISON_NAMES)
        write_csv(explanations, files["explanations"])
        members: dict[str, list] = defaultdict(list)
        for k in keys:
            members[pid_of[k]].append(k)
        prior = model_info.get("prior_match_probability")
        prior_w = round(math.log2(prior / (1 - prior)), 4) if prior and 0 < prior < 1 else None
        files["explanations_json"].write_text(
            explanations_json(explanations, members, model.COMPARISON_NAMES, prior_w), encoding="utf-8")
        if state_dir:
            write_id_map(Path(state_dir) / ID_MAP_FILE, pid_of)
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
        "contact_number_rows_malformed": contact_rows_malformed,
        "exact_links": len(exact),
        "pairs_scored": int((predictions["link"] == "splink").sum()),
        "pairs_at_or_above_cluster_threshold": int((predictions["match_probability"] >= cluster_threshold).sum()),
        "links_refused_as_conflicting": clusterer.refused,
        "pairs_held_back_by_guards": int(((predictions["match_probability"] >= cluster_threshold)
                                          & predictions["guarded"].astype(bool)).sum()),
        "clusters": int(len(cluster_sizes)),
        "multi_record_clusters": int((cluster_sizes > 1).sum()),
        "largest_cluster": int(cluster_sizes.max()) if len(cluster_sizes) else 0,
        "decisions": {"file": str(decisions_path) if decisions_path else None,
                      "in_file": len(effective), "applied": len(applicable),
                      "same": len(same_dec), "different": len(diff_dec),
                      "not_applicable_records_absent": len(effective) - len(applicable),
                      "model_links_overruled": int((overruled & (predictions["match_probability"] >= cluster_threshold)
                                                    & (predictions["link"] == "splink")).sum()),
                      "conflicts": decision_conflicts},
        "review": {"band": list(review_band), "pairs": int(len(review)),
                   "records": int(len(set(zip(review["source_l"], review["record_id_l"]))
                                      | set(zip(review["source_r"], review["record_id_r"])))),
                   "by_reason": review["reason"].value_counts().to_dict() if len(review) else {}},
        "identity": {"previous": str(prev_source) if prev_source else None, "previous_records": len(prev_ids),
                     **changes.summary()},
        "model": model_info,
        "warning_examples": warning_examples,
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(seconds, 3),
    }
    if html_report:
        t = time.perf_counter()
        files["html_report"] = out / "linkage_report.html"
        try:
            report["html_report_notes"] = write_html_report(files["html_report"], linker, pred_sdf, raw_predictions,
                                                            records, report, review)
        except Exception as exc:  # the report is for the data team; never lose a run over a chart
            log.warning("HTML report not written: %s", exc)
            report["html_report_notes"] = [f"not written: {exc}"]
        report["timings_seconds"]["html_report"] = round(time.perf_counter() - t, 3)
    files["run_report"].write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    console.print(f"[bold green]Linkage:[/] {report['rows_in']} records in, {report['quarantined']} quarantined, "
                  f"{report['linked']} linked into {report['clusters']} people "
                  f"({report['multi_record_clusters']} with several records), "
                  f"{seconds:.1f} s (engine {engine}) -> {out}", highlight=False, soft_wrap=True)
    return LinkageResult(out=out, clusters=clusters, report=report, files=files)
