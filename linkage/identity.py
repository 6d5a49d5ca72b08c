"""Stable person ids across runs, and the splits and merges between two runs.

Within one run a person's id is derived from the cluster's smallest (source, record_id) (`person_id_for`), so
unchanged extracts always give the same ids. Across runs that is not enough: when a new record sorts before the
others, or the smallest record disappears, the id would change. So a run may be given the previous assignment
(`previous`: source, record_id -> person_id, from a previous run's clusters.csv or the persistent id map kept under
var/linkage/person_ids.csv) and `carry_forward` keeps every id it can:

- each previous id goes to the new cluster holding most of its records (ties: the cluster whose smallest record is
  smallest), and each new cluster takes at most one previous id (the one it holds most records of);
- a new cluster with no previous id left gets a fresh id from its smallest record (salted if that id is in use);
- a **split** is a previous id whose records now sit in several people; a **merge** is a new person holding records
  of several previous ids. Both are reported (run_report.json and identity_changes.csv) so the graph can redirect.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

Key = tuple[str, str]
ID_MAP_FILE = "person_ids.csv"
ID_MAP_COLUMNS = ["source", "record_id", "person_id"]
CHANGES_COLUMNS = ["change", "person_id", "previous_person_id", "records", "records_from_previous"]


def fresh_person_id(members: Iterable[Key], taken: set[str] | None = None) -> str:
    """P- + 12 hex of SHA-256 of the smallest (source, record_id); salted with a counter while the id is taken."""
    s, r = min(members)
    n = 0
    while True:
        text = f"{s}\x1f{r}" if n == 0 else f"{s}\x1f{r}\x1f{n}"
        pid = "P-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        if not taken or pid not in taken:
            return pid
        n += 1


@dataclass
class IdentityChanges:
    kept: int = 0  # people whose id was carried forward
    new: int = 0  # people with a fresh id
    retired: list[str] = field(default_factory=list)  # previous ids no longer used (merged away or records gone)
    splits: list[dict] = field(default_factory=list)  # {previous_person_id, person_ids: [...]}
    merges: list[dict] = field(default_factory=list)  # {person_id, previous_person_ids: [...]}
    rows: list[dict] = field(default_factory=list)  # identity_changes.csv

    def summary(self, example_limit: int = 50) -> dict:
        return {"people_keeping_previous_id": self.kept, "people_with_new_id": self.new,
                "previous_ids_retired": len(self.retired), "splits": len(self.splits), "merges": len(self.merges),
                "split_examples": self.splits[:example_limit], "merge_examples": self.merges[:example_limit]}


def carry_forward(members_by_cluster: Mapping[object, list[Key]], previous: Mapping[Key, str] | None
                  ) -> tuple[dict[Key, str], IdentityChanges]:
    """Assign a person id to every cluster, keeping previous ids where the records still cluster together."""
    previous = previous or {}
    changes = IdentityChanges()
    clusters = {c: (sorted(ms) if len(ms) > 1 else ms) for c, ms in members_by_cluster.items()}  # most are single
    smallest = {c: ms[0] for c, ms in clusters.items()}
    # overlap[c][old] = records of cluster c previously under old
    overlap: dict[object, Counter] = {}
    old_spread: dict[str, set] = defaultdict(set)
    old_sizes: Counter = Counter(previous.values())
    for c, ms in (clusters.items() if previous else ()):  # a first run has no history: skip 1,000,000 lookups
        cnt = Counter(previous[k] for k in ms if k in previous)
        if cnt:
            overlap[c] = cnt
            for old in cnt:
                old_spread[old].add(c)
    # greedy: biggest overlaps first; deterministic tie-breaks
    candidates = sorted(((n, old, c) for c, cnt in overlap.items() for old, n in cnt.items()),
                        key=lambda t: (-t[0], t[1], smallest[t[2]]))
    assigned: dict[object, str] = {}
    used: set[str] = set()
    for n, old, c in candidates:
        if c in assigned or old in used:
            continue
        assigned[c] = old
        used.add(old)
    taken = set(previous.values()) | used
    pid_of: dict[Key, str] = {}
    for c in sorted(clusters, key=lambda c: smallest[c]):
        if c in assigned:
            pid = assigned[c]
            changes.kept += 1
        else:
            pid = fresh_person_id(clusters[c], taken)
            taken.add(pid)
            changes.new += 1
            assigned[c] = pid
        for k in clusters[c]:
            pid_of[k] = pid
    changes.retired = sorted(set(old_sizes) - used)
    for old in sorted(old_spread):
        cs = old_spread[old]
        if len(cs) > 1:
            new_ids = sorted(assigned[c] for c in cs)
            changes.splits.append({"previous_person_id": old, "person_ids": new_ids})
            for c in cs:
                changes.rows.append({"change": "split", "person_id": assigned[c], "previous_person_id": old,
                                     "records": len(clusters[c]), "records_from_previous": overlap[c][old]})
    for c, cnt in sorted(overlap.items(), key=lambda t: assigned[t[0]]):
        if len(cnt) > 1:
            changes.merges.append({"person_id": assigned[c], "previous_person_ids": sorted(cnt)})
            for old, n in sorted(cnt.items()):
                changes.rows.append({"change": "merge", "person_id": assigned[c], "previous_person_id": old,
                                     "records": len(clusters[c]), "records_from_previous": n})
    return pid_of, changes


def read_id_map(path: Path | str) -> dict[Key, str]:
    """(source, record_id) -> person_id from a clusters.csv, a persistent person_ids.csv, or a folder holding either."""
    path = Path(path)
    if path.is_dir():
        for name in ("clusters.csv", ID_MAP_FILE):
            if (path / name).is_file():
                path = path / name
                break
        else:
            return {}
    if not path.is_file():
        return {}
    df = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=ID_MAP_COLUMNS)
    return dict(zip(zip(df["source"], df["record_id"]), df["person_id"]))


def write_id_map(path: Path | str, pid_of: Mapping[Key, str]) -> None:
    """Write the persistent id map atomically (a crash mid-write leaves the previous map in place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    rows = sorted((s, r, p) for (s, r), p in pid_of.items())
    pd.DataFrame(rows, columns=ID_MAP_COLUMNS).to_csv(tmp, index=False)
    tmp.replace(path)
