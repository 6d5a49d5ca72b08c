"""Append-only SQLite audit store in var/audit/. Triggers reject every UPDATE and DELETE, so no code path (ours
or a mistaken one) can change history; each row also carries a hash chained to the previous row, so a change made
around SQLite (editing the file) is detectable with `verify_chain()`."""
from __future__ import annotations

import asyncio
import hashlib
import json
import queue
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

from family_context.audit.collector import AuditEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_event (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    request_id TEXT NOT NULL,
    event TEXT NOT NULL,
    outcome TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_name TEXT,
    roles TEXT NOT NULL,
    client_id TEXT,
    team TEXT,
    via TEXT,
    purpose TEXT,
    whom TEXT NOT NULL,
    fields TEXT NOT NULL,
    operation TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_subject (
    seq INTEGER NOT NULL REFERENCES audit_event(seq),
    person_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_subject_person ON audit_subject(person_id);
CREATE INDEX IF NOT EXISTS audit_event_at ON audit_event(at);
CREATE INDEX IF NOT EXISTS audit_event_actor ON audit_event(actor);
CREATE INDEX IF NOT EXISTS audit_event_request ON audit_event(request_id);
CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subject_no_update BEFORE UPDATE ON audit_subject
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subject_no_delete BEFORE DELETE ON audit_subject
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""

COLUMNS = ("at", "request_id", "event", "outcome", "actor", "actor_name", "roles", "client_id", "team", "via",
           "purpose", "whom", "fields", "operation")
MAX_PAGE = 200


class AuditWriteError(RuntimeError):
    """The audit could not be written; the read it describes must not be shown."""


def _row(event: AuditEvent) -> dict[str, Any]:
    return {"at": event.at, "request_id": event.request_id, "event": event.event, "outcome": event.outcome,
            "actor": event.actor, "actor_name": event.actor_name, "roles": json.dumps(sorted(event.roles)),
            "client_id": event.client_id, "team": event.team, "via": event.via, "purpose": event.purpose,
            "whom": json.dumps(sorted(event.whom)), "fields": json.dumps(sorted(event.fields)),
            "operation": event.operation}


def _settle(future: "asyncio.Future[list[int]]", outcome: Any) -> None:
    if future.cancelled():  # the request went away; its events are written all the same
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _hash(prev: str, row: dict[str, Any]) -> str:
    return hashlib.sha256((prev + json.dumps(row, sort_keys=True)).encode()).hexdigest()


class AuditStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._pending: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()

    def close(self) -> None:
        if self._writer is not None:
            self._pending.put(None)
            self._writer.join()
            self._writer = None
        with self._lock:
            self._db.close()

    def append(self, events: Iterable[AuditEvent]) -> list[int]:
        """Write the events in one transaction; raise AuditWriteError if that fails."""
        return self._write([list(events)])[0]

    async def append_async(self, events: Iterable[AuditEvent]) -> list[int]:
        """`append` for the API, by group commit: one writer thread puts the events of every request waiting at
        that moment into one transaction, so concurrent requests share a commit (and its fsync) instead of
        queueing for the lock one by one. Returns once the events are durable; raises AuditWriteError if not."""
        events = list(events)
        if not events:
            return []
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[int]] = loop.create_future()
        with self._writer_lock:
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_pending, name="audit-writer", daemon=True)
                self._writer.start()
        self._pending.put((events, loop, future))
        return await future

    def _write_pending(self) -> None:
        while True:
            first = self._pending.get()
            if first is None:
                return
            batch = [first]
            while True:
                try:
                    item = self._pending.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._pending.put(None)  # finish this batch, then stop
                    break
                batch.append(item)
            try:
                outcomes: list[Any] = self._write([events for events, _, _ in batch])
            except AuditWriteError as exc:
                outcomes = [exc] * len(batch)
            for (_, loop, future), outcome in zip(batch, outcomes):
                loop.call_soon_threadsafe(_settle, future, outcome)

    def _write(self, requests: list[list[AuditEvent]]) -> list[list[int]]:
        """Each request's events in order, all in one transaction; the seqs given to each request."""
        if not any(requests):
            return [[] for _ in requests]
        written: list[list[int]] = []
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                prev = self._db.execute("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
                prev_hash = prev[0] if prev else "genesis"
                for events in requests:
                    seqs = []
                    for event in events:
                        row = _row(event)
                        digest = _hash(prev_hash, row)
                        cursor = self._db.execute(
                            f"INSERT INTO audit_event ({', '.join(COLUMNS)}, prev_hash, hash) "
                            f"VALUES ({', '.join('?' for _ in COLUMNS)}, ?, ?)",
                            [row[c] for c in COLUMNS] + [prev_hash, digest])
                        seq = cursor.lastrowid
                        self._db.executemany("INSERT INTO audit_subject (seq, person_id) VALUES (?, ?)",
                                             [(seq, pid) for pid in sorted(event.whom)])
                        seqs.append(seq)
                        prev_hash = digest
                    written.append(seqs)
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                try:
                    self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise AuditWriteError(type(exc).__name__) from None
        return written

    def search(self, *, since: str | None = None, until: str | None = None, actor: str | None = None,
               person_id: str | None = None, event: str | None = None, team: str | None = None,
               request_id: str | None = None, after: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first. `team` limits to actors of that team (team managers see their own team only)."""
        where, params = [], []
        for column, value in (("actor", actor), ("event", event), ("team", team), ("request_id", request_id)):
            if value is not None:
                where.append(f"e.{column} = ?")
                params.append(value)
        if since:
            where.append("e.at >= ?")
            params.append(since)
        if until:
            where.append("e.at <= ?")
            params.append(until)
        if after is not None:
            where.append("e.seq < ?")
            params.append(after)
        if person_id is not None:
            where.append("e.seq IN (SELECT seq FROM audit_subject WHERE person_id = ?)")
            params.append(person_id)
        sql = "SELECT e.seq, " + ", ".join(f"e.{c}" for c in COLUMNS) + " FROM audit_event e"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.seq DESC LIMIT ?"
        params.append(max(1, min(limit, MAX_PAGE)))
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        out = []
        for row in rows:
            item = dict(zip(("seq",) + COLUMNS, row))
            for key in ("roles", "whom", "fields"):
                item[key] = json.loads(item[key])
            out.append(item)
        return out

    def verify_chain(self) -> bool:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(COLUMNS)}, prev_hash, hash FROM audit_event ORDER BY seq").fetchall()
        prev = "genesis"
        for row in rows:
            values = dict(zip(COLUMNS, row[:len(COLUMNS)]))
            if row[-2] != prev or _hash(prev, values) != row[-1]:
                return False
            prev = row[-1]
        return True
