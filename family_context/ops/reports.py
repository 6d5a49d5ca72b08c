"""The data-quality loop: "report a problem with this information" -> a data manager's queue -> an outcome the
reporter can see.

Stored as append-only events in SQLite beside the audit store (var/audit/problem_reports.sqlite3): a report is
`reported`, may be `taken` by a data manager, and is `resolved` with an outcome (and optionally a link/unlink
decision recorded in the linkage decisions file, which every later linkage run applies). Triggers refuse UPDATE and
DELETE, so the history of every report is kept; a report's current state is folded from its events.

What is kept: the person id (never a name), the source the problem is about, a short category, the reporter
(subject, display name, team), and an optional free-text note. The note may hold personal data: only the data
manager role reads it (schema/operations.py declares that field for data_manager alone), and it never reaches
logs. Outcomes are codes with fixed wording, so what the reporter sees carries no free text.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional

from family_context.settings import Settings

CATEGORIES = {
    "wrong_person": "These records are not the same person (wrongly matched)",
    "missing_match": "A record of this person is shown as someone else (missed match)",
    "name": "Name is wrong",
    "date_of_birth": "Date of birth is wrong",
    "address": "Address is wrong or out of date",
    "contact_details": "Phone number or contact details are wrong",
    "practitioner": "Lead practitioner or their contact is wrong",
    "involvement": "Service involvement is wrong (status or dates)",
    "relationship": "Family relationship is wrong",
    "out_of_date": "Information is out of date",
    "other": "Something else",
}
OUTCOMES = {
    "corrected_at_source": "Corrected in the source system; it will show after the next load",
    "records_linked": "Records joined as the same person; it will show after the next linkage run",
    "records_unlinked": "Records separated into different people; it will show after the next linkage run",
    "passed_to_source_owner": "Passed to the team that owns the source system",
    "no_change_needed": "Checked: the information is correct",
    "duplicate": "Already reported",
    "cannot_reproduce": "Could not find the problem described",
}
OPEN, TAKEN, RESOLVED = "open", "in_progress", "resolved"
MAX_NOTE = 1000
MAX_QUEUE = 200
SOURCE_GENERAL = "general"

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_event (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reported', 'taken', 'resolved')),
    actor TEXT NOT NULL,
    actor_name TEXT,
    team TEXT,
    request_id TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS report_event_report ON report_event(report_id);
CREATE INDEX IF NOT EXISTS report_event_actor ON report_event(actor, kind);
CREATE TRIGGER IF NOT EXISTS report_event_no_update BEFORE UPDATE ON report_event
    BEGIN SELECT RAISE(ABORT, 'problem reports are append-only'); END;
CREATE TRIGGER IF NOT EXISTS report_event_no_delete BEFORE DELETE ON report_event
    BEGIN SELECT RAISE(ABORT, 'problem reports are append-only'); END;
"""


class ReportError(ValueError):
    """A report or resolution that cannot be accepted (unknown category, unknown report, already resolved)."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.code = code


def reports_path(settings: Settings) -> Path:
    return settings.var_dir / "audit" / "problem_reports.sqlite3"


def decisions_path(settings: Settings) -> Path:
    """The linkage decisions file every linkage run reads (linkage/decisions.py; `link --state var/linkage`)."""
    return settings.var_dir / "linkage" / "decisions.csv"


@dataclass
class ProblemReport:
    id: str
    person_id: str
    source: str
    category: str
    status: str
    reported_at: str
    reporter: str
    reporter_name: Optional[str]
    reporter_team: Optional[str]
    note: Optional[str]
    taken_by: Optional[str] = None
    taken_by_name: Optional[str] = None
    outcome: Optional[str] = None
    resolved_at: Optional[str] = None
    resolved_by: Optional[str] = None
    resolved_by_name: Optional[str] = None
    resolution_note: Optional[str] = None
    decision: Optional[dict[str, Any]] = None
    history: list[dict[str, Any]] = field(default_factory=list)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _clean_note(note: Optional[str]) -> Optional[str]:
    if note is None:
        return None
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise ReportError(f"keep the note under {MAX_NOTE} characters")
    return note or None


class ProblemReports:
    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        if read_only:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- writes (append only) -----------------------------------------------------------------------------------

    def _append(self, report_id: str, kind: str, actor: str, actor_name: Optional[str], team: Optional[str],
                request_id: Optional[str], data: dict[str, Any], expect: Iterable[str] | None = None) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if expect is not None:
                    state = self._fold_locked(report_id)
                    if state is None:
                        raise ReportError("no such report", "NOT_FOUND")
                    if state.status not in expect:
                        raise ReportError(f"the report is already {state.status.replace('_', ' ')}", "CONFLICT")
                self._db.execute(
                    "INSERT INTO report_event (report_id, at, kind, actor, actor_name, team, request_id, data) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (report_id, _now(), kind, actor, actor_name, team, request_id, json.dumps(data, sort_keys=True)))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def report(self, *, person_id: str, source: str, category: str, note: Optional[str], actor: str,
               actor_name: Optional[str], team: Optional[str], request_id: Optional[str] = None) -> ProblemReport:
        if category not in CATEGORIES:
            raise ReportError(f"category must be one of {', '.join(CATEGORIES)}")
        report_id = "PR-" + uuid.uuid4().hex[:12]
        self._append(report_id, "reported", actor, actor_name, team, request_id,
                     {"person_id": person_id, "source": source, "category": category, "note": _clean_note(note)})
        found = self.get(report_id)
        assert found is not None
        return found

    def take(self, report_id: str, *, actor: str, actor_name: Optional[str],
             request_id: Optional[str] = None) -> ProblemReport:
        self._append(report_id, "taken", actor, actor_name, None, request_id, {}, expect=(OPEN, TAKEN))
        found = self.get(report_id)
        assert found is not None
        return found

    def resolve(self, report_id: str, *, outcome: str, actor: str, actor_name: Optional[str],
                note: Optional[str] = None, decision: Optional[dict[str, Any]] = None,
                request_id: Optional[str] = None) -> ProblemReport:
        if outcome not in OUTCOMES:
            raise ReportError(f"outcome must be one of {', '.join(OUTCOMES)}")
        self._append(report_id, "resolved", actor, actor_name, None, request_id,
                     {"outcome": outcome, "note": _clean_note(note), "decision": decision}, expect=(OPEN, TAKEN))
        found = self.get(report_id)
        assert found is not None
        return found

    # --- reads ---------------------------------------------------------------------------------------------------

    def _events(self, where: str = "", params: tuple = ()) -> list[tuple]:
        return self._db.execute(
            "SELECT seq, report_id, at, kind, actor, actor_name, team, request_id, data FROM report_event "
            f"{where} ORDER BY seq", params).fetchall()

    @staticmethod
    def _fold(rows: list[tuple]) -> dict[str, ProblemReport]:
        reports: dict[str, ProblemReport] = {}
        for _seq, report_id, at, kind, actor, actor_name, team, _request_id, data in rows:
            d = json.loads(data)
            if kind == "reported":
                reports[report_id] = ProblemReport(
                    id=report_id, person_id=d["person_id"], source=d["source"], category=d["category"], status=OPEN,
                    reported_at=at, reporter=actor, reporter_name=actor_name, reporter_team=team, note=d.get("note"))
            report = reports.get(report_id)
            if report is None:
                continue
            if kind == "taken":
                report.status, report.taken_by, report.taken_by_name = TAKEN, actor, actor_name
            elif kind == "resolved":
                report.status, report.outcome, report.resolved_at = RESOLVED, d["outcome"], at
                report.resolved_by, report.resolved_by_name = actor, actor_name
                report.resolution_note, report.decision = d.get("note"), d.get("decision")
            report.history.append({"at": at, "kind": kind, "actor_name": actor_name})
        return reports

    def _fold_locked(self, report_id: str) -> Optional[ProblemReport]:
        return self._fold(self._events("WHERE report_id = ?", (report_id,))).get(report_id)

    def get(self, report_id: str) -> Optional[ProblemReport]:
        with self._lock:
            return self._fold_locked(report_id)

    def for_reporter(self, actor: str, limit: int = 50) -> list[ProblemReport]:
        """The reporter's own reports, newest first (with the outcome once resolved)."""
        with self._lock:
            ids = [r[0] for r in self._db.execute(
                "SELECT report_id FROM report_event WHERE actor = ? AND kind = 'reported' ORDER BY seq DESC LIMIT ?",
                (actor, max(1, min(limit, MAX_QUEUE)))).fetchall()]
            if not ids:
                return []
            marks = ", ".join("?" for _ in ids)
            folded = self._fold(self._events(f"WHERE report_id IN ({marks})", tuple(ids)))
        return [folded[i] for i in ids if i in folded]

    def queue(self, status: Optional[str] = None, limit: int = 50) -> list[ProblemReport]:
        """Every report (or those in one status), oldest open first, then newest resolved."""
        with self._lock:
            folded = self._fold(self._events())
        reports = [r for r in folded.values() if status is None or r.status == status]
        reports.sort(key=lambda r: (r.status == RESOLVED, r.reported_at if r.status != RESOLVED else "",
                                    "" if r.status != RESOLVED else _invert(r.resolved_at or "")))
        return reports[:max(1, min(limit, MAX_QUEUE))]

    def open_count(self) -> int:
        with self._lock:
            folded = self._fold(self._events())
        return sum(1 for r in folded.values() if r.status != RESOLVED)


def _invert(text: str) -> str:
    """Sort key making later ISO timestamps come first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)
