"""Human link decisions: "these two records are the same person" / "are not", kept outside any run folder.

A data manager records a decision once (`family-context link-decision same lcs:LCS0000004 health:9000000041
--by "A Manager" --reason "confirmed with school"`, or `record_decision(...)` from Python / the GraphQL layer later);
every later run applies it and it wins over the model and over exact identifier links:

- `same`: the two records' people are joined (unless a `different` decision forbids it: a conflict is reported);
- `different`: the two records never end up in one person, not directly and not through a chain of other links.

The file is an append-only CSV (default var/linkage/decisions.csv): the history is the audit trail, and for each pair
of records the latest decision counts (`same` then `different` on the same pair means different). `withdraw` removes
an earlier decision on a pair so the model decides again.
"""
from __future__ import annotations

import csv
import fcntl
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

Key = tuple[str, str]
DECISIONS = ("same", "different", "withdraw")
COLUMNS = ["decided_at", "decision", "source_l", "record_id_l", "source_r", "record_id_r", "decided_by", "reason"]
DEFAULT_STATE_DIR = Path("var/linkage")
DEFAULT_DECISIONS_FILE = DEFAULT_STATE_DIR / "decisions.csv"


class DecisionError(ValueError):
    """A decision that cannot be recorded (unknown kind, badly written record, missing name or reason)."""


@dataclass(frozen=True)
class Decision:
    decided_at: str
    decision: str
    source_l: str
    record_id_l: str
    source_r: str
    record_id_r: str
    decided_by: str
    reason: str

    @property
    def a(self) -> Key:
        return (self.source_l, self.record_id_l)

    @property
    def b(self) -> Key:
        return (self.source_r, self.record_id_r)

    @property
    def pair(self) -> tuple[Key, Key]:
        return tuple(sorted((self.a, self.b)))  # type: ignore[return-value]


def parse_record(text: str) -> Key:
    """'SOURCE:RECORD_ID' -> (source, record_id); the record id may itself contain ':'."""
    source, sep, record_id = (text or "").strip().partition(":")
    if not sep or not source.strip() or not record_id.strip():
        raise DecisionError(f"write a record as SOURCE:RECORD_ID (e.g. lcs:LCS0000004), not {text!r}")
    return source.strip(), record_id.strip()


def record_decision(path: Path | str, decision: str, a: Key | str, b: Key | str, *, by: str, reason: str,
                    sources: Iterable[str] | None = None, decided_at: datetime | None = None) -> Decision:
    """Append one decision to the decisions file (created with its header if missing) and return it.

    `sources`, when given, is the set of known source names (a typo such as `lsc:...` is refused).
    Safe to call from several processes at once (the append is locked)."""
    decision = (decision or "").strip().lower()
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    a = parse_record(a) if isinstance(a, str) else (str(a[0]), str(a[1]))
    b = parse_record(b) if isinstance(b, str) else (str(b[0]), str(b[1]))
    if a == b:
        raise DecisionError("a decision needs two different records")
    if not (by or "").strip():
        raise DecisionError("say who made the decision (--by)")
    if not (reason or "").strip():
        raise DecisionError("give a reason for the decision (--reason)")
    if sources is not None:
        known = set(sources)
        unknown = sorted({k[0] for k in (a, b)} - known)
        if unknown:
            raise DecisionError(f"unknown source {', '.join(unknown)}; known sources: {', '.join(sorted(known))}")
    when = (decided_at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    d = Decision(when, decision, a[0], a[1], b[0], b[1], " ".join(by.split()), " ".join(reason.split()))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", newline="", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            f.seek(0, os.SEEK_END)
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            if f.tell() == 0:
                w.writeheader()
            w.writerow(asdict(d))
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
    return d


def load_decisions(path: Path | str | None) -> list[Decision]:
    """Every decision in the file, oldest first (a missing file means no decisions)."""
    if path is None or not Path(path).is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = set(COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise DecisionError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        return [Decision(**{c: (row.get(c) or "").strip() for c in COLUMNS}) for row in reader
                if (row.get("decision") or "").strip()]


def effective_decisions(decisions: Iterable[Decision]) -> dict[tuple[Key, Key], Decision]:
    """The decision that counts for each pair of records: the latest one (file order), withdrawals removed."""
    latest: dict[tuple[Key, Key], Decision] = {}
    for d in decisions:
        latest[d.pair] = d
    return {p: d for p, d in latest.items() if d.decision in ("same", "different")}


def decisions_for_record(path: Path | str | None, record: Key | str) -> list[Decision]:
    """The full history of decisions that name one record (for an API showing why records are (not) linked)."""
    k = parse_record(record) if isinstance(record, str) else tuple(record)
    return [d for d in load_decisions(path) if d.a == k or d.b == k]
