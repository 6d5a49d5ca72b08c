"""Resolvers for the operations side of the API: data-quality reports and usage reports (schema/operations.py).

Stores live beside the audit store (var/audit/): the path comes from the request's audit store, so a test app with
its own var folder gets its own stores. SQLite calls run in a worker thread, never on the event loop.
"""
from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any, Optional

import anyio

from family_context.ops import usage as usage_mod
from family_context.ops.reports import SOURCE_GENERAL, ProblemReport, ProblemReports, ReportError
from resolvers.graph_reader import GraphReader

_stores: dict[Path, ProblemReports] = {}
_lock = threading.Lock()

#: Outcomes that record a human link decision for linkage (linkage/decisions.py) and the decision each writes.
DECISION_OUTCOMES = {"records_linked": "same", "records_unlinked": "different"}


def var_dir(context: dict[str, Any]) -> Path:
    """var/ of the running app: the audit store lives in var/audit/audit.sqlite3."""
    return Path(context["audit_store"].path).parent.parent


def report_store(context: dict[str, Any]) -> ProblemReports:
    path = var_dir(context) / "audit" / "problem_reports.sqlite3"
    with _lock:
        store = _stores.get(path)
        if store is None:
            store = _stores[path] = ProblemReports(path)
        return store


def audit_db(context: dict[str, Any]) -> Path:
    return Path(context["audit_store"].path)


async def submit_report(context: dict[str, Any], person_id: str, source: str, category: str,
                        note: Optional[str]) -> ProblemReport:
    graph: GraphReader = context["graph"]
    rows = await graph.read("ops/person_records", id=person_id)
    if not rows:
        raise ReportError("No person with that id", "NOT_FOUND")
    sources = {r["source"] for r in rows[0]["records"]}
    if source != SOURCE_GENERAL and source not in sources:
        raise ReportError(f"source must be one of the person's sources ({', '.join(sorted(sources))}) or "
                          f"'{SOURCE_GENERAL}'")
    principal = context["principal"]
    store = report_store(context)
    return await anyio.to_thread.run_sync(lambda: store.report(
        person_id=person_id, source=source, category=category, note=note, actor=principal.subject,
        actor_name=principal.name, team=principal.team, request_id=context.get("request_id")))


async def take_report(context: dict[str, Any], report_id: str) -> ProblemReport:
    principal = context["principal"]
    store = report_store(context)
    return await anyio.to_thread.run_sync(lambda: store.take(
        report_id, actor=principal.subject, actor_name=principal.name, request_id=context.get("request_id")))


async def resolve_report(context: dict[str, Any], report_id: str, outcome: str, note: Optional[str],
                         record_a: Optional[str], record_b: Optional[str]) -> ProblemReport:
    """Resolve a report; for `records_linked` / `records_unlinked` also record the link decision (records named
    SOURCE:RECORD_ID, at least one of them the reported person's) that every later linkage run applies."""
    store = report_store(context)
    principal = context["principal"]
    report = await anyio.to_thread.run_sync(store.get, report_id)
    if report is None:
        raise ReportError("No problem report with that id", "NOT_FOUND")
    decision_info = None
    wanted = DECISION_OUTCOMES.get(outcome)
    if wanted is None and (record_a or record_b):
        raise ReportError("records are only given with the outcomes records_linked or records_unlinked")
    if wanted is not None:
        if not record_a or not record_b:
            raise ReportError("name the two records (SOURCE:RECORD_ID) to link or separate")
        if record_a == record_b:
            raise ReportError("a link decision needs two different records")
        if report.status == "resolved":
            raise ReportError("the report is already resolved", "CONFLICT")
        owners = {r["key"]: r["person_id"] for r in await context["graph"].read(
            "ops/record_owners", keys=[record_a, record_b])}
        missing = [k for k in (record_a, record_b) if not owners.get(k)]
        if missing:
            raise ReportError(f"no record {', '.join(missing)} in the published graph", "NOT_FOUND")
        if report.person_id not in (owners[record_a], owners[record_b]):
            raise ReportError("at least one of the records must belong to the reported person")
        from linkage.decisions import DecisionError, record_decision

        path = var_dir(context) / "linkage" / "decisions.csv"
        try:
            made = await anyio.to_thread.run_sync(lambda: record_decision(
                path, wanted, record_a, record_b, by=principal.name or principal.subject,
                reason=f"problem report {report_id}"))
        except DecisionError as exc:
            raise ReportError(str(exc)) from None
        decision_info = {"decision": made.decision, "record_a": f"{made.source_l}:{made.record_id_l}",
                         "record_b": f"{made.source_r}:{made.record_id_r}", "decided_at": made.decided_at}
    return await anyio.to_thread.run_sync(lambda: store.resolve(
        report_id, outcome=outcome, actor=principal.subject, actor_name=principal.name, note=note,
        decision=decision_info, request_id=context.get("request_id")))


async def my_reports(context: dict[str, Any], first: int) -> list[ProblemReport]:
    store = report_store(context)
    return await anyio.to_thread.run_sync(lambda: store.for_reporter(context["principal"].subject, first))


async def queue(context: dict[str, Any], status: Optional[str], first: int) -> list[ProblemReport]:
    store = report_store(context)
    return await anyio.to_thread.run_sync(lambda: store.queue(status, first))


async def usage_report(context: dict[str, Any], since: date, until: date, team: Optional[str]
                       ) -> tuple[Optional[str], dict[str, list[usage_mod.UsageRow]], usage_mod.UsageRow]:
    principal = context["principal"]
    usage_mod.check_range(since, until)
    scope = usage_mod.team_scope(principal.roles, principal.team, team)
    path = audit_db(context)

    def work() -> tuple[dict[str, list[usage_mod.UsageRow]], usage_mod.UsageRow]:
        groups = {by: usage_mod.usage(path, since, until, by, scope) for by in ("day", "team", "user")}
        return groups, usage_mod.totals(groups["day"], path, since, until, scope)

    groups, total = await anyio.to_thread.run_sync(work)
    return scope, groups, total
