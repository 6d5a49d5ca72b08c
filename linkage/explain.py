"""Why records were linked: per-person explanations (explanations.csv / explanations.json) and the offline HTML
report for the data team (linkage_report.html).

An explanation lists, for one person, each scored or decided link between two of their records: how it was made
(`splink`, `exact:<identifier>`, `decision:same`), whether it is the link that joined the two groups (`joined`), the
match probability and weight, and for every comparison the level reached (e.g. "Exact surname", "Day and month
swapped"), its match weight and whether it counted for the match (`agrees`), against it (`disagrees`) or could not be
compared (`missing`). Only record keys and level labels are written -- no names or dates -- so serving an
explanation never shows more than the person's own record list does. A data manager's "same" decision also carries
who recorded it and when (`decided_by`, `decided_at` from decisions.csv): staff, not the person.

    from linkage.explain import explain_person
    explain_person(Path("var/demo/linked"), "P-0123456789ab")
"""
from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

EXPLANATION_COLUMNS = ["person_id", "source_l", "record_id_l", "source_r", "record_id_r", "link", "joined",
                       "match_probability", "match_weight", "decided_by", "decided_at"]


def level_labels(model_json: dict) -> dict[str, dict[int, str]]:
    """comparison name -> {gamma: label} from a Splink model (model.json): null level -1, then n-1 .. 0."""
    out: dict[str, dict[int, str]] = {}
    for comp in model_json.get("comparisons", []):
        name = comp.get("output_column_name")
        levels = comp.get("comparison_levels", [])
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {-1: "missing on one or both records"}
        for i, lv in enumerate(non_null):
            labels[len(non_null) - 1 - i] = lv.get("label_for_charts") or lv.get("sql_condition", "")
        out[name] = labels
    return out


#: A comparison whose match weight is within this of zero counted neither for nor against the match.
NEUTRAL_WEIGHT = 0.05


def comparison_effect(gamma: Any, weight: Any) -> str:
    """How one comparison counted: `missing` (not compared), `agrees`, `disagrees` or `neutral`. The vectorised
    version in build_explanations applies the same rule to a whole column."""
    if gamma is None or pd.isna(gamma) or int(gamma) == -1:
        return "missing"
    if weight is None or pd.isna(weight):
        return "neutral"
    w = float(weight)
    return "agrees" if w > NEUTRAL_WEIGHT else "disagrees" if w < -NEUTRAL_WEIGHT else "neutral"


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round(f, 4)


def build_explanations(predictions: pd.DataFrame, pid_of: dict, joined: set, labels: dict[str, dict[int, str]],
                       comparison_names: list[str]) -> pd.DataFrame:
    """One row per link between two records of the same person (explanations.csv).

    `joined` holds (record a, record b, link) for the links that joined two groups while clustering."""
    if predictions.empty:
        return pd.DataFrame(columns=EXPLANATION_COLUMNS)
    left = list(zip(predictions["source_l"], predictions["record_id_l"]))
    right = list(zip(predictions["source_r"], predictions["record_id_r"]))
    pl = [pid_of.get(k) for k in left]
    pr = [pid_of.get(k) for k in right]
    same = [a is not None and a == b for a, b in zip(pl, pr)]
    df = predictions.loc[same].copy()
    df.insert(0, "person_id", [p for p, s in zip(pl, same) if s])
    for column in ("decided_by", "decided_at"):  # only a data manager's "same" decision has them
        df[column] = df[column].fillna("") if column in df.columns else ""
    df["joined"] = [(a, b, how) in joined or (b, a, how) in joined for a, b, how in
                    zip(zip(df["source_l"], df["record_id_l"]), zip(df["source_r"], df["record_id_r"]), df["link"])]
    cols = list(EXPLANATION_COLUMNS)
    for comp in comparison_names:
        g, mw = f"gamma_{comp}", f"mw_{comp}"
        if g not in df.columns:
            continue
        gam = pd.to_numeric(df[g], errors="coerce").astype("float64").to_numpy()
        lab = labels.get(comp, {})
        # a label per distinct level (a handful), not a Python call per link
        codes, uniques = pd.factorize(gam)  # NaN -> code -1, which picks the trailing ""
        text = np.array([lab.get(int(x), str(int(x))) for x in uniques] + [""], dtype=object)
        df[f"{comp}_level"] = pd.Series(text[codes], index=df.index, dtype="str")
        tf = df[f"mw_tf_adj_{comp}"].fillna(0.0) if f"mw_tf_adj_{comp}" in df.columns else 0.0
        weight = (df[mw].astype("float64") + tf).round(4) if mw in df.columns else pd.Series(np.nan, index=df.index)
        df[f"{comp}_weight"] = weight
        w = weight.to_numpy(dtype="float64")
        missing = np.isnan(gam) | (gam == -1)
        df[f"{comp}_effect"] = np.select(
            [missing, np.isnan(w), w > NEUTRAL_WEIGHT, w < -NEUTRAL_WEIGHT],
            ["missing", "neutral", "agrees", "disagrees"], "neutral")
        cols += [f"{comp}_level", f"{comp}_weight", f"{comp}_effect"]
    df = df.sort_values(["person_id", "source_l", "record_id_l", "source_r", "record_id_r"], kind="stable")
    return df[cols].reset_index(drop=True)


def _json_str(value: Any) -> str:
    s = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'  # the usual record id or label: nothing to escape (json.dumps is 3x slower)
    return json.dumps(s)


def _json_numbers(values: pd.Series) -> list[str]:
    """Numbers rounded to 4 places as JSON (null for missing), as json.dumps would write them; formatted once per
    distinct value (a comparison's weights take a few hundred values over a million links)."""
    arr = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    codes, uniques = pd.factorize(arr)  # NaN -> code -1
    text = np.array([json.dumps(round(float(v), 4)) for v in uniques] + ["null"], dtype=object)
    return text[codes].tolist()


def _record_json(source: Any, record_id: Any) -> str:
    return f'{{"source":{_json_str(source)},"record_id":{_json_str(record_id)}}}'


def explanations_json(explanations: pd.DataFrame, members: dict[str, list], comparison_names: list[str],
                      prior_match_weight: float | None) -> str:
    """explanations.json as text: {"prior_match_weight", "people": person_id -> {records, links[{records, how,
    joined, match_probability, match_weight, comparisons[...]}]}} for every person with more than one record.

    Written as text column by column rather than built as ~3 million small dicts for json.dumps: a
    1,000,000-record run spent most of its write stage there."""
    people: dict[str, list[str]] = {}  # person_id -> its records' JSON, in the order people are written
    record_json: dict[tuple, str] = {}  # each record's JSON once: a link names two records already written here
    for pid, ms in members.items():
        if len(ms) > 1:
            recs = []
            for k in sorted(ms):
                text = record_json[k] = _record_json(*k)
                recs.append(text)
            people[pid] = recs

    def rec(s: Any, r: Any) -> str:
        text = record_json.get((s, r))
        return text if text is not None else _record_json(s, r)

    comps = [c for c in comparison_names if f"{c}_level" in explanations.columns]
    e = explanations
    comp_parts = []
    for c in comps:
        labels = {lv: _json_str(lv) for lv in e[f"{c}_level"].unique().tolist()}
        name = _json_str(c)
        comp_parts.append([f'{{"comparison":{name},"level":{labels[lv]},"match_weight":{mw},"effect":"{ef}"}}'
                           for lv, mw, ef in zip(e[f"{c}_level"].tolist(), _json_numbers(e[f"{c}_weight"]),
                                                 e[f"{c}_effect"].tolist())])
    per_row = ["[" + ",".join(cs) + "]" for cs in zip(*comp_parts)] if comp_parts else ["[]"] * len(e)
    links: dict[str, list[str]] = {}
    for pid, sl, rl, sr, rr, how, jn, p, w, cs in zip(
            *(e[c].tolist() for c in ("person_id", "source_l", "record_id_l", "source_r", "record_id_r", "link")),
            e["joined"].astype(bool).tolist(), _json_numbers(e["match_probability"]),
            _json_numbers(e["match_weight"]), per_row):
        links.setdefault(pid, []).append(
            f'{{"records":[{rec(sl, rl)},{rec(sr, rr)}],"how":{_json_str(how)},'
            f'"joined":{"true" if jn else "false"},"match_probability":{p},"match_weight":{w},'
            f'"comparisons":{cs if how == "splink" else "[]"}}}')
        if pid not in people:
            people[pid] = []
    body = ",".join(f'{_json_str(pid)}:{{"records":[{",".join(recs)}],"links":[{",".join(links.get(pid, []))}]}}'
                    for pid, recs in people.items())
    return f'{{"prior_match_weight":{json.dumps(prior_match_weight)},"people":{{{body}}}}}'


def explain_person(out_dir: Path | str, person_id: str) -> dict | None:
    """The explanation of one person from a run folder: their records and the links between them.

    A person with a single record has no links; None when the id is not in this run."""
    out_dir = Path(out_dir)
    data = json.loads((out_dir / "explanations.json").read_text(encoding="utf-8"))
    if person_id in data["people"]:
        return {"person_id": person_id, **data["people"][person_id]}
    clusters = pd.read_csv(out_dir / "clusters.csv", dtype=str, keep_default_na=False)
    rows = clusters[clusters["person_id"] == person_id]
    if rows.empty:
        return None
    return {"person_id": person_id, "records": [{"source": s, "record_id": r} for s, r in
                                                zip(rows["source"], rows["record_id"])], "links": []}


# ------------------------------------------------------------------------------------------------ HTML report
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I)


def _frame(title: str, doc: str, height: int) -> str:
    """A chart's own HTML document in a sandboxed iframe. Links to web fonts (cluster studio asks Google Fonts) are
    removed: the page must not reach the internet (the browser falls back to a local font)."""
    doc = _REMOTE_LINK.sub("", doc)
    return (f'<section><h2>{html.escape(title)}</h2><iframe title="{html.escape(title)}" '
            f'style="width:100%;height:{height}px;border:1px solid #b1b4b6" sandbox="allow-scripts" '
            f'srcdoc="{html.escape(doc, quote=True)}"></iframe></section>')


def _clean_records(rows: pd.DataFrame) -> list[dict]:
    recs = rows.to_dict("records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in recs]


def waterfall_sample(raw_predictions: pd.DataFrame, cluster_threshold: float, band, n: int = 10) -> pd.DataFrame:
    """A few scored pairs for the waterfall chart, every Splink column kept: uncertain ones first, then strong ones.
    Taken right after prediction so the full-width predictions frame need not stay in memory."""
    p = raw_predictions
    if p is None or p.empty:
        return pd.DataFrame()
    lo, hi = band
    strong = p[p["match_probability"] >= max(cluster_threshold, hi)].head(n // 2)
    unsure = p[(p["match_probability"] >= lo) & (p["match_probability"] < hi)].head(n - len(strong))
    return pd.concat([unsure, strong])


def write_html_report(path: Path, linker, pred_sdf, raw_predictions: pd.DataFrame, records: pd.DataFrame,
                      report: dict, review: pd.DataFrame, sample_size: int = 10) -> list[str]:
    """One self-contained HTML page: run summary, match weights chart, waterfall charts for sample links (strong and
    uncertain ones), and Splink's cluster studio on a sample of people. Every script is inlined (no CDN): it opens
    on a machine with no internet. Returns notes on parts that could not be drawn."""
    parts: list[str] = []
    notes: list[str] = []
    try:
        parts.append(_frame("Match weights of the model", linker.visualisations.match_weights_chart().to_html(inline=True), 620))
    except Exception as exc:  # pragma: no cover - depends on the model state
        notes.append(f"match weights chart: {exc}")
    if raw_predictions is not None and not raw_predictions.empty:
        sample = waterfall_sample(raw_predictions, report["thresholds"]["cluster"], report["review"]["band"],
                                  sample_size)
        if len(sample):
            try:
                chart = linker.visualisations.waterfall_chart(_clean_records(sample), filter_nulls=False)
                parts.append(_frame("Waterfall: how each sample pair's match weight adds up (uncertain pairs first)",
                                    chart.to_html(inline=True), 720))
            except Exception as exc:  # pragma: no cover
                notes.append(f"waterfall chart: {exc}")
    sizes = records.groupby("person_id").size()
    multi = sizes[sizes > 1].sort_values(ascending=False, kind="stable")
    if pred_sdf is not None and len(multi):
        ids = list(multi.index[: sample_size // 2]) + list(multi.index[sample_size // 2:].to_series().sample(
            n=min(sample_size - sample_size // 2, max(len(multi) - sample_size // 2, 0)), random_state=1))
        nodes = records[records["person_id"].isin(ids)].copy()
        nodes = nodes.rename(columns={"person_id": "cluster_id", "source": "source_dataset"})
        keep = ["cluster_id", "source_dataset", "record_id", "first_name_std", "surname_std", "dob_std", "postcode_std",
                "address_key", "sex", "nhs_number"]
        nodes = nodes[[c for c in keep if c in nodes.columns]]
        try:
            db = linker._db_api
            sdf = db.register(nodes, table_name="__fc_cluster_studio_nodes")
            doc = linker.visualisations.cluster_studio_dashboard(
                pred_sdf, sdf, str(path.with_suffix(".cluster_studio.tmp.html")), cluster_ids=ids, overwrite=True,
                return_html_as_string=True)
            path.with_suffix(".cluster_studio.tmp.html").unlink(missing_ok=True)
            parts.append(_frame(f"Cluster studio: the {len(multi[:sample_size//2])} largest people and a random sample",
                                doc, 1100))
        except Exception as exc:  # pragma: no cover
            notes.append(f"cluster studio: {exc}")
    summary_rows = "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(str(report.get(k)))}</td></tr>"
                           for k in ("rows_in", "quarantined", "linked", "exact_links", "pairs_scored", "clusters",
                                     "multi_record_clusters", "largest_cluster", "seconds", "engine"))
    decisions = report.get("decisions", {})
    identity = report.get("identity", {})
    extra = "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                    for k, v in [("people needing review (pairs)", len(review)),
                                 ("human decisions applied", decisions.get("applied")),
                                 ("ids kept from previous run", identity.get("people_keeping_previous_id")),
                                 ("splits", identity.get("splits")), ("merges", identity.get("merges"))])
    doc = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Family Context linkage report</title>"
           "<style>body{font-family:Arial,sans-serif;margin:2em;color:#0b0c0c}table{border-collapse:collapse}"
           "th,td{border-bottom:1px solid #b1b4b6;padding:4px 12px;text-align:left}</style></head><body>"
           f"<h1>Linkage report</h1><p>Generated {html.escape(str(report.get('generated_at')))}; "
           f"extracts {html.escape(str(report.get('extracts')))}. Charts are drawn offline (scripts inlined).</p>"
           f"<table>{summary_rows}{extra}</table>" + "".join(parts)
           + ("<h2>Not drawn</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>" if notes else "")
           + "</body></html>")
    path.write_text(doc, encoding="utf-8")
    return notes
