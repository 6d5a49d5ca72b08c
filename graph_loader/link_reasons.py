"""Why each source record belongs to its person, stored on the record so the person page reads it in its one query.

linkage/explain.py writes `explanations.csv` in the run folder: one row per link between two records of the same
person (Splink score, exact trusted identifier, or a person's "same" decision) with, per comparison, the level
reached, its match weight and whether it counted for or against. Here each record gets the links that touch it as
one compact JSON string (`SourceRecord.link_reasons`): the other record's key, how, whether this link joined the
record to the person, probability, weight and the comparisons as [name, level label, weight, effect]. Only record
keys and level labels -- never another record's values -- so it shows nothing the person's record list does not.

A JSON string rather than relationships: it is written by every load path (transactional, server-side CSV, bulk
import, one-source refresh) as one more record property, and read with the record at no extra cost.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from graph_loader.extract_reader import read_rows
from graph_loader.people import record_key

#: At most this many links are kept per record (joined ones first, then the strongest): a large person would
#: otherwise carry every pair among their records on each record.
MAX_LINKS_PER_RECORD = 6


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if value != value else round(value, 2)


def read_link_reasons(linked: Path) -> dict[str, str]:
    """record key -> JSON list of the links that touch it. Empty when the run folder has no explanations (runs made
    before linkage wrote them): records then simply carry no reasons."""
    path = linked / "explanations.csv"
    if not path.is_file():
        return {}
    links: dict[str, list[dict]] = defaultdict(list)
    comparisons: list[str] | None = None
    for _, row in read_rows(path, ("source_l", "record_id_l", "source_r", "record_id_r", "link")):
        if comparisons is None:
            comparisons = [c[: -len("_level")] for c in row if c.endswith("_level")]
        left, right = record_key(row["source_l"], row["record_id_l"]), record_key(row["source_r"], row["record_id_r"])
        base = {"how": row["link"], "joined": row.get("joined") in ("True", "true", "1"),
                "p": _number(row.get("match_probability", "")), "w": _number(row.get("match_weight", "")),
                # Only the model scored the comparisons; an identifier or a decision links on its own.
                "c": [[c, row.get(f"{c}_level", ""), _number(row.get(f"{c}_weight", "")), row.get(f"{c}_effect", "")]
                      for c in comparisons] if row["link"] == "splink" else []}
        links[left].append({"other": right, **base})
        links[right].append({"other": left, **base})
    out = {}
    for key, found in links.items():
        found.sort(key=lambda link: (not link["joined"], -(link["p"] or 0.0), -(link["w"] or 0.0), link["other"]))
        out[key] = json.dumps(found[:MAX_LINKS_PER_RECORD], separators=(",", ":"))
    return out
