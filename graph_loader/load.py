"""`family-context load`: linkage output + extracts -> people, addresses, households and services in Neo4j.

The load is idempotent: every node and relationship it writes is MERGEd and stamped with the run id, and what an
earlier run wrote but this one did not is removed only once this run has written everything. Every extract row is
accounted for: rows in = rows loaded + rows quarantined, per source, with reasons in `load_quarantine.csv`.
"""
from __future__ import annotations

import csv
import json
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from family_context.settings import Settings
from graph_loader.batches import write_batches, run_write
from graph_loader.contact_numbers import phone_rows
from graph_loader.dates import BadDate, parse_date
from graph_loader.extract_reader import read_rows
from graph_loader.involvements import RULES, Involvement
from graph_loader.migrations import apply_migrations
from cypher import query
from graph_loader.people import (StandardRecord, address_id, address_rows, household_rows, person_row,
                                 record_key)
from graph_loader.practitioners import complete, read_directory
from graph_loader.relationships import relationship_rows
from graph_loader.service_catalogue import SERVICE_BY_SOURCE
from linkage.sources_config import SourcesConfig, load_sources, validate_extracts

console = Console(stderr=True)


@dataclass
class SourceCounts:
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0


@dataclass
class LoadReport:
    run_id: str
    counts: dict[str, SourceCounts] = field(default_factory=dict)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def quarantine_row(self, source: str, file: str, row_number: int, record_id: str, reason: str) -> None:
        self.quarantine.append({"source": source, "file": file, "row_number": row_number,
                                "record_id": record_id, "reason": reason})


def _extract_dates(extracts: Path, cfg: SourcesConfig) -> dict[str, dict[str, date | None]]:
    """Extract date and coverage per source: from the manifest when there is one, else the file's date."""
    manifest_path = extracts / "manifest.json"
    manifest = json.loads(manifest_path.read_text()).get("sources", {}) if manifest_path.is_file() else {}
    dates = {}
    for source in cfg.sources:
        info = manifest.get(source.name, {})
        file_day = datetime.fromtimestamp((extracts / source.file).stat().st_mtime).date()
        dates[source.name] = {
            "extracted_at": parse_date(info.get("extracted_at"), "extracted_at") or file_day,
            "coverage_from": parse_date(info.get("coverage_from"), "coverage_from"),
            "coverage_to": parse_date(info.get("coverage_to"), "coverage_to"),
        }
    return dates


def _read_linked(linked: Path, dates: dict[str, dict[str, date | None]]) -> dict[str, StandardRecord]:
    probabilities = {}
    for _, row in read_rows(linked / "clusters.csv", ("source", "record_id", "person_id", "match_probability")):
        probabilities[record_key(row["source"], row["record_id"])] = float(row["match_probability"] or 1.0)
    records = {}
    columns = ("source", "record_id", "person_id", "first_name", "last_name", "dob", "sex", "address", "postcode")
    for _, row in read_rows(linked / "standardised_records.csv", columns):
        key = record_key(row["source"], row["record_id"])
        records[key] = StandardRecord(
            source=row["source"], record_id=row["record_id"], person_id=row["person_id"],
            match_probability=probabilities.get(key, 1.0), first_name=row["first_name"],
            last_name=row["last_name"], dob=parse_date(row["dob"], "dob"), sex=row["sex"] or "U",
            address=row["address"], postcode=row["postcode"],
            extracted_at=dates.get(row["source"], {}).get("extracted_at") or date.today(),
        )
    return records


def _involvements(extracts: Path, cfg: SourcesConfig, records: dict[str, StandardRecord],
                  dates: dict[str, dict[str, date | None]], report: LoadReport) -> list[Involvement]:
    found: list[Involvement] = []
    for source in cfg.sources:
        counts = report.counts.setdefault(source.name, SourceCounts())
        rule = RULES.get(source.name)
        extracted_at = dates[source.name]["extracted_at"]
        for row_number, row in read_rows(extracts / source.file, source.record_id):
            counts.rows_in += 1
            record_id = "-".join(row[c].strip() for c in source.record_id)
            if record_key(source.name, record_id) not in records:
                counts.rows_quarantined += 1
                report.quarantine_row(source.name, source.file, row_number, record_id,
                                      "record not linked to a person (see linkage quarantine.csv)")
                continue
            counts.rows_loaded += 1
            if rule is None:
                continue
            try:
                found.extend(rule(row, record_id, extracted_at))
            except (BadDate, ValueError) as exc:
                report.quarantine_row(source.name, source.file, row_number, record_id,
                                      f"involvement not shown: {exc}")
    return found


def _involvement_rows(involvements: list[Involvement], directory: dict) -> tuple[list[dict], list[dict]]:
    practitioners: dict[str, dict] = {}
    rows = []
    for inv in involvements:
        practitioner_id = None
        if inv.practitioner and inv.practitioner.name:
            contact = complete(inv.practitioner, directory)
            practitioners.setdefault(contact["id"], contact)
            practitioner_id = contact["id"]
        service = SERVICE_BY_SOURCE[inv.source]
        rows.append({
            "id": inv.id, "record_key": record_key(inv.source, inv.record_id), "source": inv.source,
            "service_key": service.key, "service_name": service.name, "system": service.system,
            "kind": inv.kind, "status": inv.status, "start_date": inv.start, "end_date": inv.end,
            "last_contact": inv.last_contact, "detail_labels": [d[0] for d in inv.details],
            "detail_values": [d[1] for d in inv.details], "practitioner_id": practitioner_id,
        })
    return rows, list(practitioners.values())


def _write_quarantine(linked: Path, report: LoadReport) -> None:
    with (linked / "load_quarantine.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["source", "file", "row_number", "record_id", "reason"])
        writer.writeheader()
        writer.writerows(report.quarantine)


def load_graph(extracts: Path, linked: Path, sources: Path, settings: Settings) -> LoadReport:
    """Load one complete run into Neo4j; raise with a clear message if Neo4j or an input is not usable."""
    from family_context.neo4j_client import check_available, get_driver

    started = time.perf_counter()
    cfg = load_sources(sources)
    validate_extracts(cfg, extracts)
    check_available(settings)
    driver = get_driver(settings)
    report = LoadReport(run_id=datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6])

    dates = _extract_dates(extracts, cfg)
    records = _read_linked(linked, dates)
    involvements = _involvements(extracts, cfg, records, dates, report)
    by_person: dict[str, list[StandardRecord]] = defaultdict(list)
    for rec in records.values():
        by_person[rec.person_id].append(rec)
    people = [person_row(pid, recs) for pid, recs in by_person.items()]
    lives_at, recorded_at = [], []
    for recs in by_person.values():
        lives, recorded = address_rows(recs)
        lives_at.extend(lives)
        recorded_at.extend(recorded)
    address_nodes: dict[str, dict] = {}
    for rec in records.values():
        if rec.address or rec.postcode:
            aid = address_id(rec.address, rec.postcode)
            known = address_nodes.get(aid)
            # The fullest way any system wrote the address is the one shown.
            if known is None or len(rec.address) > len(known["line"]):
                address_nodes[aid] = {"id": aid, "line": rec.address, "postcode": rec.postcode}
    inv_rows, practitioner_rows = _involvement_rows(involvements, read_directory(extracts / "staff_directory.csv"))
    rel_rows = relationship_rows(extracts, cfg, records, report)
    phones = phone_rows(extracts, cfg, records, report)
    source_rows = [{
        "source": s.name, "system": s.system, "file": s.file, **dates[s.name],
        "rows_in": report.counts[s.name].rows_in, "rows_loaded": report.counts[s.name].rows_loaded,
        "rows_quarantined": report.counts[s.name].rows_quarantined,
    } for s in cfg.sources]
    record_rows = [{
        "key": r.key, "person_id": r.person_id, "source": r.source, "system": cfg.source(r.source).system,
        "record_id": r.record_id, "first_name": r.first_name, "last_name": r.last_name, "dob": r.dob,
        "extracted_at": r.extracted_at, "match_probability": r.match_probability,
    } for r in records.values()]

    apply_migrations(driver)
    run = report.run_id
    run_write(driver, "load/run_start", run=run)
    steps = [
        ("load/practitioners", practitioner_rows, "practitioners"),
        ("load/people", people, "people"),
        ("load/source_records", record_rows, "source records"),
        ("load/addresses", list(address_nodes.values()), "addresses"),
        ("load/recorded_at", recorded_at, "recorded addresses"),
        ("load/lives_at", lives_at, "address history"),
        ("load/households", household_rows(lives_at), "households"),
        ("load/relationships", rel_rows, "relationships"),
        ("load/involvements", inv_rows, "involvements"),
        ("load/phones", phones, "contact numbers"),
        ("load/source_extracts", source_rows, "source extracts"),
    ]
    with Progress(console=console, transient=True) as progress:
        for name, rows, label in steps:
            report.written[label] = write_batches(driver, name, rows, progress, label, run=run)
    with driver.session() as session:
        session.run(query("load/remove_stale_relationships"), run=run).consume()
        session.run(query("load/remove_stale_nodes"), run=run).consume()
    report.seconds = round(time.perf_counter() - started, 1)
    run_write(driver, "load/run_finish", run=run, counts=json.dumps(
        {k: vars(v) for k, v in report.counts.items()}))
    _write_quarantine(linked, report)
    total_in = sum(c.rows_in for c in report.counts.values())
    total_loaded = sum(c.rows_loaded for c in report.counts.values())
    total_q = sum(c.rows_quarantined for c in report.counts.values())
    console.print(f"Loaded run {run}: {len(people):,} people, {len(inv_rows):,} involvements, "
                  f"{len(rel_rows):,} relationships; rows in {total_in:,} = loaded {total_loaded:,} + "
                  f"quarantined {total_q:,}; {report.seconds}s")
    return report

