"""`family-context status`: is the service fit to answer, and how fresh is what it shows?

One look for an operator (docs/operations.md): Neo4j up or down (and which version), the generation readers see,
the last load per source with its extract date, row counts in = loaded + quarantined, node counts, loads that
failed or are still running, the linkage run's quarantine when its folder is given, and the data-quality reports
still open. Ends with a one-line summary; `--json` prints the same as JSON for monitoring.

Exit codes: 0 healthy; 1 degraded (a load failed or is stuck, or rows do not reconcile); 2 not serving (Neo4j down,
or nothing published yet).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from family_context.settings import Settings

OK, DEGRADED, DOWN = 0, 1, 2
RECENT_RUNS = 10


@dataclass
class SourceStatus:
    source: str
    system: Optional[str]
    extracted_at: Optional[str]
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    last_load: Optional[str]
    last_load_kind: Optional[str]
    last_load_run: Optional[str]

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.rows_loaded + self.rows_quarantined


@dataclass
class Status:
    neo4j_uri: str
    neo4j_up: bool
    neo4j_error: Optional[str] = None
    neo4j_version: Optional[str] = None
    published_run: Optional[str] = None
    published_at: Optional[str] = None
    sources: list[SourceStatus] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    recent_runs: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    linkage: Optional[dict[str, Any]] = None
    open_reports: Optional[int] = None

    @property
    def rows_in(self) -> int:
        return sum(s.rows_in for s in self.sources)

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows_loaded for s in self.sources)

    @property
    def rows_quarantined(self) -> int:
        return sum(s.rows_quarantined for s in self.sources)

    @property
    def code(self) -> int:
        if not self.neo4j_up or not self.published_run:
            return DOWN
        return DEGRADED if self.problems else OK

    @property
    def state(self) -> str:
        return {OK: "OK", DEGRADED: "DEGRADED", DOWN: "DOWN"}[self.code]

    def summary(self) -> str:
        """One line for a terminal, a cron mail or a monitoring check."""
        if not self.neo4j_up:
            return f"DOWN: Neo4j is not answering at {self.neo4j_uri} ({self.neo4j_error})"
        if not self.published_run:
            return f"DOWN: Neo4j {self.neo4j_version or ''} is up but no load has been published yet".replace("  ", " ")
        last = max((s.last_load for s in self.sources if s.last_load), default=None)
        oldest = min((s.extracted_at for s in self.sources if s.extracted_at), default=None)
        line = (f"{self.state}: Neo4j {self.neo4j_version} up; run {self.published_run}; "
                f"{len(self.sources)} sources, last load {_short(last)}, oldest extract {oldest or 'unknown'}; "
                f"{self.counts.get('people', 0):,} people; rows in {self.rows_in:,} = loaded {self.rows_loaded:,} "
                f"+ quarantined {self.rows_quarantined:,}")
        if self.linkage is not None:
            line += f"; linkage quarantined {self.linkage.get('quarantined', 0):,}"
        if self.open_reports is not None:
            line += f"; {self.open_reports} open data-quality report(s)"
        if self.problems:
            line += f"; {len(self.problems)} problem(s): " + "; ".join(self.problems)
        return line

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(state=self.state, code=self.code, summary=self.summary(), rows_in=self.rows_in,
                    rows_loaded=self.rows_loaded, rows_quarantined=self.rows_quarantined)
        for source, raw in zip(data["sources"], self.sources):
            source["reconciles"] = raw.reconciles
        return data


def _short(value: Optional[str]) -> str:
    return value[:19].replace("T", " ") if value else "never"


def _iso(value: Any) -> Optional[str]:
    if value is None:
        return None
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _linkage_summary(linked: Path) -> Optional[dict[str, Any]]:
    report = linked / "run_report.json"
    if not report.is_file():
        return None
    data = json.loads(report.read_text(encoding="utf-8"))
    return {"generated_at": data.get("generated_at"), "rows_in": data.get("rows_in"),
            "linked": data.get("linked"), "quarantined": data.get("quarantined"), "clusters": data.get("clusters"),
            "reasons": {name: info.get("quarantine_reasons", {}) for name, info in (data.get("sources") or {}).items()
                        if info.get("quarantined")}}


def collect(settings: Settings, linked: Optional[Path] = None, reports_db: Optional[Path] = None) -> Status:
    """Everything `status` shows, read in a handful of small read transactions (never writes)."""
    from neo4j import Query, RoutingControl
    from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

    from cypher import query
    from family_context.neo4j_client import Neo4jUnavailable, check_available

    status = Status(neo4j_uri=settings.neo4j_uri, neo4j_up=False)
    if linked is not None:
        status.linkage = _linkage_summary(linked)
        if status.linkage is not None:
            from family_context.ops.review import pending_count

            status.linkage["review_pending"] = pending_count(linked, settings.var_dir)
    status.open_reports = _open_reports(reports_db or default_reports_db(settings))
    try:
        driver = check_available(settings, timeout=5.0)
    except Neo4jUnavailable as exc:
        status.neo4j_error = exc.reason or "unreachable"
        return status

    def read(name: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = driver.execute_query(Query(query(name), metadata={"app": "family-context", "query": name},
                                                   timeout=30), params, routing_=RoutingControl.READ)
        return [r.data() for r in records]

    try:
        server = read("ops/status_server")
        status.neo4j_up = True
        status.neo4j_version = " ".join(str(x) for x in (server[0]["version"], server[0]["edition"])) if server else None
        published = read("ops/status_published")
        if published and published[0]["run"]:
            status.published_run = published[0]["run"]
            status.published_at = _iso(published[0]["published_at"])
            status.counts = {r["what"]: r["n"] for r in read("ops/status_counts")}
            for r in read("ops/status_sources"):
                last = r.get("last_load") or {}
                status.sources.append(SourceStatus(
                    source=r["source"], system=r["system"], extracted_at=_iso(r["extracted_at"]),
                    rows_in=r["rows_in"] or 0, rows_loaded=r["rows_loaded"] or 0,
                    rows_quarantined=r["rows_quarantined"] or 0, last_load=_iso(last.get("finished_at")),
                    last_load_kind=last.get("kind"), last_load_run=last.get("id")))
        status.recent_runs = [{k: _iso(v) if k in ("started_at", "finished_at") else v for k, v in r.items()}
                              for r in read("ops/status_runs", limit=RECENT_RUNS)]
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        status.neo4j_up = False
        status.neo4j_error = type(exc).__name__
        return status
    except Neo4jError as exc:
        status.problems.append(f"a status query failed ({exc.code})")
    _find_problems(status)
    return status


def _find_problems(status: Status) -> None:
    for s in status.sources:
        if not s.reconciles:
            status.problems.append(f"{s.source}: rows in {s.rows_in} != loaded {s.rows_loaded} + quarantined "
                                   f"{s.rows_quarantined}")
    # Only what happened after the published load matters: an older failure was superseded by a good load.
    newest_complete = max((r["started_at"] or "" for r in status.recent_runs if r["status"] == "complete"),
                          default="")
    for r in status.recent_runs:
        if (r["started_at"] or "") <= newest_complete:
            continue
        if r["status"] in ("failed", "abandoned"):
            status.problems.append(f"load {r['id']} {r['status']}: {(r.get('error') or '')[:120]}")
        elif r["status"] == "running":
            status.problems.append(f"load {r['id']} is running (started {_short(r['started_at'])})")


def default_reports_db(settings: Settings) -> Path:
    from family_context.ops.reports import reports_path

    return reports_path(settings)


def _open_reports(path: Path) -> Optional[int]:
    if not path.is_file():
        return None
    try:
        from family_context.ops.reports import ProblemReports

        store = ProblemReports(path, read_only=True)
        try:
            return store.open_count()
        finally:
            store.close()
    except Exception:  # a status check must not fail because of a side store
        return None


def render(status: Status) -> str:
    """The human-readable report (plain text; the CLI prints it with the summary line last)."""
    lines = []
    if status.neo4j_up:
        lines.append(f"Neo4j        up at {status.neo4j_uri} ({status.neo4j_version})")
    else:
        lines.append(f"Neo4j        DOWN at {status.neo4j_uri}: {status.neo4j_error}")
    if status.published_run:
        lines.append(f"Published    run {status.published_run} at {_short(status.published_at)}")
        lines.append("Counts       " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in sorted(status.counts.items())))
        lines.append("")
        lines.append(f"{'source':<26}{'extract':<12}{'last load':<21}{'kind':<9}{'rows in':>9}{'loaded':>9}"
                     f"{'quarant.':>10}")
        for s in status.sources:
            flag = "" if s.reconciles else "  << does not reconcile"
            lines.append(f"{s.source:<26}{(s.extracted_at or '-')[:10]:<12}{_short(s.last_load):<21}"
                         f"{(s.last_load_kind or '-'):<9}{s.rows_in:>9,}{s.rows_loaded:>9,}{s.rows_quarantined:>10,}"
                         f"{flag}")
        lines.append(f"{'total':<68}{status.rows_in:>9,}{status.rows_loaded:>9,}{status.rows_quarantined:>10,}")
    elif status.neo4j_up:
        lines.append("Published    nothing yet: run `family-context load`")
    if status.linkage:
        lk = status.linkage
        lines.append("")
        lines.append(f"Linkage      {lk.get('rows_in', 0):,} records in, {lk.get('linked', 0):,} linked, "
                     f"{lk.get('quarantined', 0):,} quarantined, {lk.get('clusters', 0):,} people "
                     f"({_short(lk.get('generated_at'))})")
        for source, reasons in sorted(lk.get("reasons", {}).items()):
            lines.append(f"  {source}: " + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items())))
        if lk.get("review_pending") is not None:
            lines.append(f"  match review: {lk['review_pending']:,} pair(s) waiting for a decision (web: #/data/review)")
    if status.recent_runs:
        lines.append("")
        lines.append("Recent loads")
        for r in status.recent_runs[:5]:
            what = ",".join(r.get("sources") or []) if r["kind"] != "full" else "all sources"
            lines.append(f"  {r['id']:<24}{r['kind'] or '-':<9}{r['status'] or '-':<11}{_short(r['started_at'])}  "
                         f"{what[:40]}")
    if status.open_reports is not None:
        lines.append(f"Reports      {status.open_reports} open data-quality report(s)")
    lines.append("")
    lines.append(status.summary())
    return "\n".join(lines)
