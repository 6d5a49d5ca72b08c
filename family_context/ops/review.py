"""The data manager's match review queue: the uncertain pairs of the latest linkage run (review.csv), each with the
comparison levels Splink reached, and the human decisions recorded on them since (linkage/decisions.py).

What a pair carries is deliberately small: the two records' source and record id, the person each belongs to now,
the match probability and weight, why it is listed, and for each comparison the level label and its weight
("Exact DOB", "Jaro-Winkler ... >= 0.92"). Never the names, dates or postcodes review.csv also holds: the data
manager opens the person (an audited read, with a purpose) to see those, as on every other page.

Where the run is: `FC_LINKED_DIR`, else `<var>/demo/linked` (where `family-context demo` and `family-context link`
write by default). Decisions go to `<var>/linkage/decisions.csv`, the file every later `family-context link` applies
(the same file the problem-report queue writes), so a decision shows in the graph after the next linkage run and load.
"""
from __future__ import annotations

import csv
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from linkage.decisions import Decision, DecisionError, effective_decisions, load_decisions, parse_record

MAX_PAGE = 100
PAIR_SEPARATOR = "|"
STATUSES = ("pending", "decided", "all")

#: Why a pair is listed, in words (review.csv `reason`; older runs wrote plain "uncertain").
REASONS = {
    "uncertain": "Uncertain match",
    "uncertain: linked": "Linked, but the match is uncertain",
    "uncertain: not linked": "Not linked, but could be the same person",
}
REFUSED = "Scored as a match but kept apart: the {what} conflicts"


class ReviewError(ValueError):
    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Comparison:
    name: str
    level: str
    match_weight: Optional[float]
    effect: str  # agrees / disagrees / neutral / missing


@dataclass(frozen=True)
class ReviewPair:
    reason: str
    match_probability: float
    match_weight: Optional[float]
    source_a: str
    record_a: str
    person_a: str
    source_b: str
    record_b: str
    person_b: str
    comparisons: tuple[Comparison, ...] = ()

    @property
    def key_a(self) -> str:
        return f"{self.source_a}:{self.record_a}"

    @property
    def key_b(self) -> str:
        return f"{self.source_b}:{self.record_b}"

    @property
    def id(self) -> str:
        return f"{self.key_a}{PAIR_SEPARATOR}{self.key_b}"

    @property
    def pair(self) -> tuple[tuple[str, str], tuple[str, str]]:
        return tuple(sorted(((self.source_a, self.record_a), (self.source_b, self.record_b))))  # type: ignore

    @property
    def reason_label(self) -> str:
        if self.reason.startswith("refused:"):
            return REFUSED.format(what=self.reason.split(":", 1)[1].replace("_", " "))
        return REASONS.get(self.reason, self.reason)


@dataclass
class ReviewRun:
    folder: Path
    generated_at: Optional[str]
    band: Optional[tuple[float, float]]
    pairs: list[ReviewPair] = field(default_factory=list)


@dataclass
class ReviewPage:
    run: Optional[ReviewRun]
    items: list[tuple[ReviewPair, Optional[Decision]]]
    total: int
    pending: int
    next_after: Optional[int]


def linked_dir(var_dir: Path) -> Path:
    """The latest linkage run's folder (read per request, so a new FC_LINKED_DIR needs no restart)."""
    explicit = os.environ.get("FC_LINKED_DIR")
    return Path(explicit) if explicit else var_dir / "demo" / "linked"


def decisions_file(var_dir: Path) -> Path:
    return var_dir / "linkage" / "decisions.csv"


_cache: dict[Path, tuple[tuple, ReviewRun]] = {}
_lock = threading.Lock()


def _stamp(folder: Path) -> tuple:
    """Changes whenever the run is rewritten (a new linkage run into the same folder)."""
    out = []
    for name in ("review.csv", "predictions.csv", "model.json", "run_report.json"):
        p = folder / name
        out.append((p.stat().st_mtime_ns, p.stat().st_size) if p.is_file() else None)
    return tuple(out)


def load_run(folder: Path) -> Optional[ReviewRun]:
    """The run's review list with comparison levels; None when the folder holds no review.csv. Cached per folder
    until its files change: predictions.csv can be large and is read once per run, not once per request."""
    folder = Path(folder)
    if not (folder / "review.csv").is_file():
        return None
    stamp = _stamp(folder)
    with _lock:
        cached = _cache.get(folder)
        if cached and cached[0] == stamp:
            return cached[1]
    run = _read_run(folder)
    with _lock:
        _cache[folder] = (stamp, run)
    return run


def _float(value: object) -> Optional[float]:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _read_run(folder: Path) -> ReviewRun:
    report = {}
    if (folder / "run_report.json").is_file():
        report = json.loads((folder / "run_report.json").read_text(encoding="utf-8"))
    band = (report.get("review") or {}).get("band")
    with open(folder / "review.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    pairs = [ReviewPair(reason=r["reason"], match_probability=_float(r["match_probability"]) or 0.0,
                        match_weight=_float(r.get("match_weight")), source_a=r["source_l"], record_a=r["record_id_l"],
                        person_a=r["person_id_l"], source_b=r["source_r"], record_b=r["record_id_r"],
                        person_b=r["person_id_r"]) for r in rows]
    levels = _comparison_levels(folder, {p.pair for p in pairs})
    pairs = [ReviewPair(**{**p.__dict__, "comparisons": levels.get(p.pair, ())}) for p in pairs]
    return ReviewRun(folder=folder, generated_at=report.get("generated_at"),
                     band=tuple(band) if band else None, pairs=pairs)  # type: ignore[arg-type]


def _comparison_levels(folder: Path, wanted: set) -> dict:
    """pair -> comparisons, from predictions.csv (gamma and weight columns) and the model's level labels. Only the
    wanted pairs are kept while streaming the file."""
    predictions, model = folder / "predictions.csv", folder / "model.json"
    if not wanted or not predictions.is_file() or not model.is_file():
        return {}
    from linkage.explain import comparison_effect, level_labels  # noqa: PLC0415 (pandas: only when a run is read)

    model_json = json.loads(model.read_text(encoding="utf-8"))
    labels = level_labels(model_json)
    names = [c.get("output_column_name") for c in model_json.get("comparisons", []) if c.get("output_column_name")]
    out: dict = {}
    with open(predictions, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = tuple(sorted(((row["source_l"], row["record_id_l"]), (row["source_r"], row["record_id_r"]))))
            if key not in wanted or key in out:
                continue
            comps = []
            for name in names:
                gamma = _float(row.get(f"gamma_{name}"))
                weight = _float(row.get(f"mw_{name}"))
                if weight is not None:
                    weight = round(weight + (_float(row.get(f"mw_tf_adj_{name}")) or 0.0), 4)
                level = labels.get(name, {}).get(int(gamma), str(int(gamma))) if gamma is not None else ""
                comps.append(Comparison(name=name, level=level or "Not compared", match_weight=weight,
                                        effect=comparison_effect(gamma, weight)))
            out[key] = tuple(comps)
    return out


def page(var_dir: Path, status: str = "pending", first: int = 25, after: int = 0) -> ReviewPage:
    """One page of the queue, highest match probability first. `after` is the number of items already shown."""
    if status not in STATUSES:
        raise ReviewError(f"status must be one of {', '.join(STATUSES)}")
    if not 1 <= first <= MAX_PAGE:
        raise ReviewError(f"first must be between 1 and {MAX_PAGE}")
    if after < 0:
        raise ReviewError("after must not be negative")
    run = load_run(linked_dir(var_dir))
    if run is None:
        return ReviewPage(run=None, items=[], total=0, pending=0, next_after=None)
    decided = effective_decisions(load_decisions(decisions_file(var_dir)))
    items = [(p, decided.get(p.pair)) for p in run.pairs]
    pending = sum(1 for _, d in items if d is None)
    if status == "pending":
        items = [i for i in items if i[1] is None]
    elif status == "decided":
        items = [i for i in items if i[1] is not None]
    shown = items[after:after + first]
    more = after + first < len(items)
    return ReviewPage(run=run, items=shown, total=len(items), pending=pending,
                      next_after=after + first if more else None)


def pending_count(folder: Path, var_dir: Path) -> Optional[int]:
    """Pairs of the run in `folder` with no decision yet (None: no review list there). For `family-context status`."""
    run = load_run(folder)
    if run is None:
        return None
    decided = effective_decisions(load_decisions(decisions_file(var_dir)))
    return sum(1 for p in run.pairs if p.pair not in decided)


def find_pair(var_dir: Path, record_a: str, record_b: str) -> ReviewPair:
    """The listed pair naming these two records (either order); NOT_FOUND when the latest run does not list it:
    the queue decides only what linkage asked about (other pairs go through a problem report)."""
    try:
        want = tuple(sorted((parse_record(record_a), parse_record(record_b))))
    except DecisionError as exc:
        raise ReviewError(str(exc)) from None
    run = load_run(linked_dir(var_dir))
    for p in (run.pairs if run else []):
        if p.pair == want:
            return p
    raise ReviewError("the latest linkage run does not list these two records for review", "NOT_FOUND")


def decision_for(var_dir: Path, pair: ReviewPair) -> Optional[Decision]:
    return effective_decisions(load_decisions(decisions_file(var_dir))).get(pair.pair)
