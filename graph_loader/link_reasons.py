"""Why each source record belongs to its person, stored on the record so the person page reads it in its one query.

linkage/explain.py writes `explanations.csv` in the run folder: one row per link between two records of the same
person (Splink score, exact trusted identifier, or a person's "same" decision) with, per comparison, the level
reached, its match weight and whether it counted for or against. Here each record gets the links that touch it as
one compact JSON string (`SourceRecord.link_reasons`): the other record's key, how, whether this link joined the
record to the person, probability, weight and the comparisons as [name, level label, weight, effect]. Only record
keys and level labels -- never another record's values -- so it shows nothing the person's record list does not. A
data manager's "same" decision also says who recorded it and when ("by", "at").

A JSON string rather than relationships: it is written by every load path (transactional, server-side CSV, bulk
import, one-source refresh) as one more record property, and read with the record at no extra cost.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from graph_loader.compact_json import compact_encoder
from graph_loader.linked_reader import header, read_linked_rows
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


def read_link_reasons(linked: Path, people: set[str] | None = None) -> dict[str, str]:
    """record key -> JSON list of the links that touch it (of `people`'s records only, when given: a one-source
    refresh). Empty when the run folder has no explanations (runs made before linkage wrote them): records then
    simply carry no reasons."""
    path = linked / "explanations.csv"
    if not path.is_file():
        return {}
    names = header(path)
    comparisons = [c[: -len("_level")] for c in names if c.endswith("_level")]
    fixed = ["source_l", "record_id_l", "source_r", "record_id_r", "link", "joined", "match_probability",
             "match_weight", "decided_by", "decided_at"]
    columns = fixed + [f"{c}_{part}" for c in comparisons for part in ("level", "weight", "effect")]
    present = [c for c in columns if c in names]
    index = {c: i for i, c in enumerate(present)}

    def get(row: tuple[str, ...], column: str) -> str:
        i = index.get(column)
        return "" if i is None else row[i]

    # Each link is serialised once and shared by its two records (only "other" differs): the same bytes as
    # json.dumps of the list of {"other", "how", "joined", "p", "w", "c"} objects, at a fraction of the cost.
    links: dict[str, list[tuple]] = defaultdict(list)
    # Explanations written before linkage added person_id cannot be narrowed to people: read them whole.
    rows = read_linked_rows(path, present, people if "person_id" in names else None)
    dumps = compact_encoder()  # json's bytes, faster (graph_loader/compact_json.py)
    for row in rows:
        left = record_key(get(row, "source_l"), get(row, "record_id_l"))
        right = record_key(get(row, "source_r"), get(row, "record_id_r"))
        how = get(row, "link")
        joined = get(row, "joined") in ("True", "true", "1")
        p, w = _number(get(row, "match_probability")), _number(get(row, "match_weight"))
        # Only the model scored the comparisons; an identifier or a decision links on its own.
        c = [[c, get(row, f"{c}_level"), _number(get(row, f"{c}_weight")), get(row, f"{c}_effect")]
             for c in comparisons] if how == "splink" else []
        link = {"how": how, "joined": joined, "p": p, "w": w, "c": c}
        if how.startswith("decision:"):  # who confirmed it and when: the page names the data manager
            link.update(by=get(row, "decided_by") or None, at=get(row, "decided_at")[:10] or None)
        rest = dumps(link)[1:]
        order = (not joined, -(p or 0.0), -(w or 0.0))
        links[left].append((*order, right, rest))
        links[right].append((*order, left, rest))
    out = {}
    for key, found in links.items():
        found.sort(key=lambda link: link[:4])
        out[key] = "[" + ",".join('{"other":' + dumps(other) + "," + rest
                                  for *_, other, rest in found[:MAX_LINKS_PER_RECORD]) + "]"
    return out
