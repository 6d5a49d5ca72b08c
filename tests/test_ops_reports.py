"""The data-quality store, usage figures from the audit store, and the JSON log format (no Neo4j needed)."""
from __future__ import annotations

import io
import json
import logging
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest

from family_context.audit import AuditEvent, AuditStore
from family_context.ops import usage
from family_context.ops.reports import ProblemReports, ReportError


def test_a_report_goes_from_open_to_taken_to_resolved_and_history_is_append_only(tmp_path):
    store = ProblemReports(tmp_path / "reports.sqlite3")
    report = store.report(person_id="P1", source="health", category="address", note="Moved in May",
                          actor="user:sw", actor_name="Sam", team="Front Door", request_id="r1")
    assert report.status == "open" and report.note == "Moved in May"
    assert [r.id for r in store.for_reporter("user:sw")] == [report.id]
    assert store.for_reporter("user:someone.else") == []
    assert store.open_count() == 1
    taken = store.take(report.id, actor="user:dm", actor_name="Alex")
    assert taken.status == "in_progress" and taken.taken_by_name == "Alex"
    done = store.resolve(report.id, outcome="corrected_at_source", actor="user:dm", actor_name="Alex")
    assert done.status == "resolved" and done.outcome == "corrected_at_source" and done.resolved_at
    assert [h["kind"] for h in done.history] == ["reported", "taken", "resolved"]
    assert store.for_reporter("user:sw")[0].outcome == "corrected_at_source"
    assert store.open_count() == 0
    with pytest.raises(ReportError) as again:
        store.resolve(report.id, outcome="duplicate", actor="user:dm", actor_name="Alex")
    assert again.value.code == "CONFLICT"
    with pytest.raises(sqlite3.DatabaseError):
        store._db.execute("UPDATE report_event SET actor = 'x'")
    with pytest.raises(sqlite3.DatabaseError):
        store._db.execute("DELETE FROM report_event")
    store.close()
    reopened = ProblemReports(tmp_path / "reports.sqlite3")
    assert reopened.get(report.id).outcome == "corrected_at_source"


def test_reports_refuse_unknown_categories_outcomes_and_long_notes(tmp_path):
    store = ProblemReports(tmp_path / "reports.sqlite3")
    with pytest.raises(ReportError):
        store.report(person_id="P1", source="health", category="rude", note=None, actor="a", actor_name=None,
                     team=None)
    with pytest.raises(ReportError):
        store.report(person_id="P1", source="health", category="other", note="x" * 2000, actor="a",
                     actor_name=None, team=None)
    report = store.report(person_id="P1", source="general", category="other", note=None, actor="a",
                          actor_name=None, team=None)
    with pytest.raises(ReportError):
        store.resolve(report.id, outcome="deleted_everything", actor="dm", actor_name=None)
    with pytest.raises(ReportError) as missing:
        store.take("PR-nope", actor="dm", actor_name=None)
    assert missing.value.code == "NOT_FOUND"


def _event(kind: str, actor: str, team: str | None, at: datetime, whom: frozenset = frozenset(),
           client: str | None = None, via: str = "session") -> AuditEvent:
    return AuditEvent(kind, "ok", "req", actor, frozenset({"social_worker"}), whom=whom, team=team, via=via,
                      client_id=client, actor_name=actor.split(":")[-1].title(),
                      at=at.isoformat(timespec="milliseconds"))


@pytest.fixture
def audit_db(tmp_path):
    store = AuditStore(tmp_path / "audit.sqlite3")
    d1 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    d2 = d1 + timedelta(days=1)
    store.append([
        _event("sign_in", "user:a", "Front Door", d1),
        _event("search", "user:a", "Front Door", d1),
        _event("person_viewed", "user:a", "Front Door", d1, frozenset({"P1"})),
        _event("person_viewed", "user:a", "Front Door", d1, frozenset({"P1", "P2"})),
        _event("search", "user:b", "Assessment", d2),
        _event("person_viewed", "user:b", "Assessment", d2, frozenset({"P3"})),
        _event("search", "client:x", None, d2, client="client:x", via="bearer"),  # an integrator: not staff usage
        _event("search", "user:a", "Front Door", d2 + timedelta(days=30)),  # outside the range
    ])
    store.close()
    return tmp_path / "audit.sqlite3"


def test_usage_by_day_team_and_user_between_two_dates(audit_db):
    since, until = date(2026, 11, 1), date(2026, 11, 30)
    by_day = usage.usage(audit_db, since, until, "day")
    # Every day of the range has a row; quiet days show zeros.
    assert [r.key for r in by_day] == [f"2026-11-{d:02d}" for d in range(1, 31)]
    active = [(r.key, r.sign_ins, r.searches, r.people_viewed, r.distinct_people, r.active_users)
              for r in by_day if r.searches or r.sign_ins or r.people_viewed]
    assert active == [("2026-11-02", 1, 1, 3, 2, 1), ("2026-11-03", 0, 1, 1, 1, 1)]
    assert (by_day[0].searches, by_day[0].active_users, by_day[-1].people_viewed) == (0, 0, 0)
    by_team = {r.key: r for r in usage.usage(audit_db, since, until, "team")}
    assert set(by_team) == {"Front Door", "Assessment"}
    assert by_team["Front Door"].people_viewed == 3
    by_user = usage.usage(audit_db, since, until, "user", team="Assessment")
    assert [(r.key, r.label, r.team, r.searches) for r in by_user] == [("user:b", "B", "Assessment", 1)]
    total = usage.totals(by_day, audit_db, since, until, None)
    assert (total.searches, total.people_viewed, total.distinct_people, total.active_users) == (2, 4, 3, 2)
    text = usage.to_csv(by_day, "day")
    assert text.splitlines()[0] == "date,sign_ins,searches,people_viewed,distinct_people,active_users"
    assert "P1" not in text and "P2" not in text


def test_usage_scope_and_range_rules():
    assert usage.team_scope({"team_manager"}, "Front Door", None) == "Front Door"
    with pytest.raises(usage.UsageError):
        usage.team_scope({"team_manager"}, "Front Door", "Assessment")
    with pytest.raises(usage.UsageError):
        usage.team_scope({"social_worker"}, "Front Door", None)
    assert usage.team_scope({"data_manager"}, None, None) is None
    assert usage.team_scope({"ig_reviewer"}, None, "Assessment") == "Assessment"
    with pytest.raises(usage.UsageError):
        usage.check_range(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(usage.UsageError):
        usage.check_range(date(2024, 1, 1), date(2026, 1, 1))
    assert usage._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"


def test_json_logs_carry_fields_and_mask_personal_data():
    from family_context.logging_config import JsonFormatter, scrub

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("family_context.test_ops")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("lookup for jane.doe@example.org born 2014-02-03 nhs 900 000 0017",
                       extra={"request_id": "abc12345", "status": 503})
        try:
            raise ValueError("Emily Jones 2014-02-03")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "abc12345" and first["status"] == 503 and first["level"] == "warning"
    assert "jane.doe" not in first["msg"] and "2014-02-03" not in first["msg"] and "0017" not in first["msg"]
    assert second["exc_type"] == "ValueError" and "Emily" not in json.dumps(second)
    assert scrub("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig") == "Authorization: Bearer [token]"
