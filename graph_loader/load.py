"""`family-context load`: linkage output + extracts -> people, addresses, households and services in Neo4j.

A full load never changes what readers see until it is complete (docs/graph_model.md, "Loads"):

1. it claims the database (a live load elsewhere -> refuse; a dead one -> marked abandoned) and records a LoadRun;
2. it writes a complete new *generation* of the graph, every node stamped with the run id, in batched transactions;
3. it checks the generation holds exactly what was sent (nodes per label), then switches the single `(:Published)`
   node to it in one small transaction: the moment readers move from the old graph to the new one;
4. it removes superseded, failed and abandoned generations in small transactions.

Killed, or Neo4j restarted, before step 3: readers still see the previous generation, and the next load finishes
the job (and removes the half-written copy). The same input twice gives identical counts. Every extract row is
accounted for: rows in = rows loaded + rows quarantined, per source, with reasons in `load_quarantine.csv`.

`only=` refreshes named sources inside the published generation instead (graph_loader/refresh.py);
`bulk=True` writes the generation with `neo4j-admin database import` (graph_loader/bulk.py).
"""
from __future__ import annotations

import csv
import os
import time
import uuid
from datetime import datetime
from pathlib import Path

from neo4j import Driver
from rich.console import Console
from rich.progress import Progress

from family_context.settings import Settings
from graph_loader import csv_load
from graph_loader.batches import BatchCounter, LoadWriteError, run_read, run_write, write_batches
from graph_loader.migrations import apply_migrations
from graph_loader.prepare import LoadReport, Prepared
from graph_loader.prepare_ahead import PrepareAhead, prepare_with_helper
from graph_loader.runs import claim, fail_run, remove_old_generations, start_run
from linkage.run import without_cyclic_gc
from linkage.sources_config import SourcesConfig, load_sources, validate_extracts

console = Console(stderr=True)

# Whether Neo4j starts writing the lists already prepared while the rest is prepared (FC_LOAD_OVERLAP=1), or only
# once all are (the default). On the 2-core machine Neo4j's writes use both cores, and a million-person load that
# overlapped them slowed the writes by more than it saved (people 57 -> 165 s; 636 s in all, docs/load_speed.md);
# preparing with the helper process on the other core, before any write, is what gains.
OVERLAP_WRITING = os.environ.get("FC_LOAD_OVERLAP", "0") == "1"

# What a full load writes, in order: nodes before the relationships that need them.
STEPS = (
    ("load/services", "services"),
    ("load/practitioners", "practitioners"),
    ("load/people", "people"),
    ("load/addresses", "addresses"),
    ("load/source_records", "records"),
    ("load/recorded_at", "recorded_at"),
    ("load/lives_at", "lives_at"),
    ("load/households", "households"),
    ("load/members", "members"),
    ("load/relationships", "relationships"),
    ("load/involvements", "involvements"),
    ("load/phones", "phones"),
    ("load/has_phone", "has_phone"),
    ("load/source_extracts", "source_extracts"),
)


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6]


def write_quarantine(linked: Path, report: LoadReport) -> Path:
    path = linked / "load_quarantine.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["source", "file", "row_number", "record_id", "reason"])
        writer.writeheader()
        writer.writerows(report.quarantine)
    return path


def generation_counts(driver: Driver, run: str) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, relationships per type) in one generation."""
    nodes = {r["label"]: r["nodes"] for r in run_read(driver, "load/generation_counts", run=run)}
    rels = {r["type"]: r["relationships"] for r in run_read(driver, "load/generation_relationships", run=run)}
    return nodes, rels


def write_generation(driver: Driver, prepared: Prepared, run: str, counter: BatchCounter | None = None) -> None:
    with Progress(console=console, transient=True) as progress:
        for name, attr in STEPS:
            rows = getattr(prepared, attr)
            t = time.perf_counter()
            prepared.report.written[attr] = write_batches(driver, name, rows, progress, attr, counter, run=run)
            prepared.report.timings[f"write_{attr}"] = round(time.perf_counter() - t, 2)


def check_generation(driver: Driver, prepared: Prepared, run: str) -> None:
    nodes, _ = generation_counts(driver, run)
    expected = prepared.expected_nodes()
    wrong = {label: (nodes.get(label, 0), n) for label, n in expected.items() if nodes.get(label, 0) != n}
    if wrong:
        raise LoadWriteError("generation incomplete, not published: " + ", ".join(
            f"{label} {got} of {want}" for label, (got, want) in wrong.items()))


def _summary(report: LoadReport, prepared: Prepared | None = None) -> str:
    total_in = sum(c.rows_in for c in report.counts.values())
    total_loaded = sum(c.rows_loaded for c in report.counts.values())
    total_q = sum(c.rows_quarantined for c in report.counts.values())
    what = (f"{len(prepared.people):,} people, {len(prepared.involvements):,} involvements, "
            f"{len(prepared.relationships):,} relationships; " if prepared else "")
    return (f"{what}rows in {total_in:,} = loaded {total_loaded:,} + quarantined {total_q:,}; "
            f"{report.seconds}s")


def _write_and_check(driver: Driver, settings: Settings, prepared: Prepared, run: str, cfg: SourcesConfig,
                     ahead: PrepareAhead | None) -> None:
    """Claim the database, write generation `run` and check it is complete (not yet published): on any error the
    run is marked failed and its copy is removed by the next load, readers keep the previous generation."""
    report = prepared.report
    apply_migrations(driver)
    claim(driver)
    csv_load.remove_stale_files(settings)
    remove_old_generations(driver, grace_seconds=0)  # half-written copies of dead loads
    start_run(driver, run, "full", [s.name for s in cfg.sources])
    counter = BatchCounter(lambda n, step: run_write(driver, "load/run_progress", run=run, batches=n, step=step))
    try:
        if ahead is not None and not OVERLAP_WRITING:
            ahead.result()
        t = time.perf_counter()
        if ahead is not None:
            with Progress(console=console, transient=True) as progress:
                csv_load.write_generation_csv(driver, settings, prepared, run, counter, progress, ahead)
            ahead.result()  # every list is final: the counts and quarantine too
            write_batches(driver, "load/source_extracts", prepared.source_extracts, run=run)
        else:
            write_generation(driver, prepared, run, counter)
        report.timings["write"] = round(time.perf_counter() - t, 2)
        run_write(driver, "load/await_indexes")
        check_generation(driver, prepared, run)
    except BaseException as exc:
        fail_run(driver, run, f"{type(exc).__name__}: {exc}")
        raise


# Python's cycle collector paused for the whole load (as linkage does): preparing a large town builds millions of
# small objects, and the collector kept walking all of them; 100,000 people: prepare 15.6 s -> 9.5 s.
@without_cyclic_gc
def load_graph(extracts: Path, linked: Path, sources: Path, settings: Settings, only: list[str] | None = None,
               bulk: bool = False, grace_seconds: float | None = None) -> LoadReport:
    """Load one complete run into Neo4j; raise with a clear message if Neo4j or an input is not usable."""
    if only:
        from graph_loader.refresh import refresh_sources

        return refresh_sources(extracts, linked, sources, settings, only)
    if bulk:
        from graph_loader.bulk import bulk_load

        return bulk_load(extracts, linked, sources, settings)
    from family_context.neo4j_client import check_available, get_driver

    started = time.perf_counter()
    cfg = load_sources(sources)
    validate_extracts(cfg, extracts)
    check_available(settings)
    driver = get_driver(settings)
    run = new_run_id()
    # Server-side CSV steps (our own local Neo4j): the preparation runs ahead in a thread while Neo4j writes the
    # steps already prepared (graph_loader/prepare_ahead.py). UNWIND batches (a remote Neo4j): prepared first, with
    # the same helper process.
    ahead = PrepareAhead(extracts, linked, cfg, run) if csv_load.usable(settings) else None
    try:
        prepared = ahead.prepared if ahead else prepare_with_helper(extracts, linked, cfg, run)
        report = prepared.report
        if ahead is None:
            report.timings["prepare"] = round(time.perf_counter() - started, 2)
        _write_and_check(driver, settings, prepared, run, cfg, ahead)
        if ahead is not None:
            # From the command's start until the last list was prepared (the writing overlapped it).
            report.timings["prepare"] = round(ahead.started - started + ahead.seconds, 2)
    finally:
        if ahead is not None:
            ahead.close()
    report.seconds = round(time.perf_counter() - started, 1)
    run_write(driver, "load/publish", run=run, counts=report.counts_json(), seconds=report.seconds)
    report.timings["publish"] = round(time.perf_counter() - started, 2)
    write_quarantine(linked, report)
    console.print(f"Published run {run}: {_summary(report, prepared)}")
    t = time.perf_counter()
    removed = remove_old_generations(driver, grace_seconds)
    report.timings["remove_previous"] = round(time.perf_counter() - t, 2)
    if removed:
        console.print(f"Removed {len(removed)} earlier generation(s) in {report.timings['remove_previous']}s")
    return report
