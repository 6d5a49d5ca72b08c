"""`family-context load --bulk`: the initial load of a large town through `neo4j-admin database import full`.

The same preparation as the transactional path (graph_loader/prepare.py) is written as the importer's CSV files (one
per label and relationship type, header in the first line), Neo4j is stopped, the `neo4j` database is replaced
offline (importing into another database name is Enterprise-only), Neo4j is started again, and the migrations build
the constraints and indexes. The result is one published generation, exactly as a transactional load would leave it
(tests/test_load_bulk.py compares the two). Because it replaces the database, it is for the first load (or a rebuild):
load history and any other generation are gone; later loads use the transactional path or a one-source refresh.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from family_context import neo4j_server
from family_context.settings import Settings
from graph_loader.load import check_generation, console, new_run_id, write_quarantine
from graph_loader.csv_load import ARRAY_DELIMITER, write_csv
from graph_loader.migrations import apply_migrations
from graph_loader.prepare import LoadReport, Prepared
from graph_loader.prepare_ahead import prepare_with_helper
from linkage.sources_config import load_sources, validate_extracts



class BulkImportError(RuntimeError):
    """neo4j-admin refused the import; the message carries its output."""


def write_import_files(prepared: Prepared, run: str, folder: Path) -> list[str]:
    """The importer's arguments (--nodes=…, --relationships=…) for files written into `folder`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    args: list[str] = []
    now = datetime.now(timezone.utc).isoformat()
    report = prepared.report

    def nodes(label: str, header: list[str], rows: Iterable[list[Any]]) -> None:
        path = folder / f"{label}.csv"
        write_csv(path, ["run", *header], ([run, *row] for row in rows))
        args.append(f"--nodes={label}={path}")

    def rels(rel_type: str, header: list[str], rows: Iterable[list[Any]]) -> None:
        path = folder / f"{rel_type}.csv"
        write_csv(path, header, rows)
        args.append(f"--relationships={rel_type}={path}")

    nodes("Service", ["key:ID(Service)", "name", "system"],
          ([s["key"], s["name"], s["system"]] for s in prepared.services))
    nodes("Practitioner", ["id:ID(Practitioner)", "name", "role", "team", "phone", "email"],
          ([p["id"], p["name"], p["role"], p["team"], p["phone"], p["email"]] for p in prepared.practitioners))
    nodes("Person", ["id:ID(Person)", "first_name", "last_name", "display_name", "dob:date", "sex", "search_names"],
          ([p["id"], p["first_name"], p["last_name"], p["display_name"], p["dob"], p["sex"], p["search_names"]]
           for p in prepared.people))
    nodes("Address", ["id:ID(Address)", "line", "postcode"],
          ([a["id"], a["line"], a["postcode"]] for a in prepared.addresses))
    nodes("SourceRecord", ["key:ID(SourceRecord)", "source", "system", "record_id", "first_name", "last_name",
                           "dob:date", "link_reasons", "holds_digest"],
          ([r["props"][k] for k in ("key", "source", "system", "record_id", "first_name", "last_name", "dob",
                                    "link_reasons", "holds_digest")] for r in prepared.records))
    nodes("Household", ["id:ID(Household)"], ([h["id"]] for h in prepared.households))
    nodes("Involvement", ["id:ID(Involvement)", "source", "kind", "status", "start_date:date", "end_date:date",
                          "last_contact:date", "detail_labels:string[]", "detail_values:string[]"],
          ([i["props"][k] for k in ("id", "source", "kind", "status", "start_date", "end_date", "last_contact",
                                    "detail_labels", "detail_values")] for i in prepared.involvements))
    nodes("Phone", ["number:ID(Phone)"], ([p["number"]] for p in prepared.phones))
    nodes("SourceExtract", ["source", "system", "file", "extracted_at:date", "coverage_from:date",
                            "coverage_to:date", "rows_in:long", "rows_loaded:long", "rows_quarantined:long"],
          ([s[k] for k in ("source", "system", "file", "extracted_at", "coverage_from", "coverage_to", "rows_in",
                           "rows_loaded", "rows_quarantined")] for s in prepared.source_extracts))
    # The published pointer and the run's record are part of the import: the database starts published.
    write_csv(folder / "Published.csv", ["id", "run", "published_at:datetime"], [["graph", run, now]])
    args.append(f"--nodes=Published={folder / 'Published.csv'}")
    write_csv(folder / "LoadRun.csv", ["id", "kind", "status", "started_at:datetime", "finished_at:datetime",
                                        "counts", "sources:string[]"],
               [[run, "full", "complete", now, now, report.counts_json(),
                 sorted(s["source"] for s in prepared.source_extracts)]])
    args.append(f"--nodes=LoadRun={folder / 'LoadRun.csv'}")

    rels("HAS_RECORD", [":START_ID(Person)", ":END_ID(SourceRecord)", "match_probability:double"],
         ([r["person_id"], r["props"]["key"], r["match_probability"]] for r in prepared.records))
    rels("RECORDED_AT", [":START_ID(SourceRecord)", ":END_ID(Address)"],
         ([r["record_key"], r["address_id"]] for r in prepared.recorded_at))
    rels("LIVES_AT", [":START_ID(Person)", ":END_ID(Address)", "sources:string[]", "current:boolean"],
         ([r["person_id"], r["address_id"], r["sources"], r["current"]] for r in prepared.lives_at))
    rels("AT", [":START_ID(Household)", ":END_ID(Address)"],
         ([h["id"], h["address_id"]] for h in prepared.households))
    rels("MEMBER_OF", [":START_ID(Person)", ":END_ID(Household)"],
         ([m["person_id"], m["household_id"]] for m in prepared.members))
    for rel_type in sorted({r["type"] for r in prepared.relationships}):
        rels(rel_type, [":START_ID(Person)", ":END_ID(Person)", "source", "kind"],
             ([r["from_id"], r["to_id"], r["source"], r["kind"]] for r in prepared.relationships
              if r["type"] == rel_type))
    rels("RECORDS", [":START_ID(SourceRecord)", ":END_ID(Involvement)"],
         ([i["record_key"], i["props"]["id"]] for i in prepared.involvements))
    rels("WITH", [":START_ID(Involvement)", ":END_ID(Service)"],
         ([i["props"]["id"], i["service_key"]] for i in prepared.involvements))
    rels("LEAD_PRACTITIONER", [":START_ID(Involvement)", ":END_ID(Practitioner)"],
         ([i["props"]["id"], i["practitioner_id"]] for i in prepared.involvements if i["practitioner_id"]))
    rels("HAS_PHONE", [":START_ID(SourceRecord)", ":END_ID(Phone)", "type", "updated_at:date"],
         ([p["record_key"], p["number"], p["type"], p["updated_at"]] for p in prepared.has_phone))
    return args


def run_import(settings: Settings, args: list[str], threads: int | None = None) -> str:
    home = Path(settings.neo4j_home)
    cmd = [
        str(Path(settings.java_home) / "bin" / "java"), "-cp", f"{settings.neo4j_lib_dir}/*:{settings.neo4j_plugins_dir}/*",
        f"-Xmx{settings.neo4j_heap}", "-Dfile.encoding=UTF-8",
        *[f for f in neo4j_server.JVM_FLAGS if f.startswith("--add-opens")],
        neo4j_server.ADMIN_ENTRY_POINT, "database", "import", "full", "neo4j", "--overwrite-destination=true",
        "--id-type=string", f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}", "--ignore-empty-strings=false",
        f"--report-file={home / 'logs' / 'import.report'}",
        *([f"--threads={threads}"] if threads else []), *args,
    ]
    env = neo4j_server._base_env(settings)
    result = subprocess.run(cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise BulkImportError(f"neo4j-admin database import failed ({result.returncode}):\n{output[-4000:]}")
    return output


def bulk_load(extracts: Path, linked: Path, sources: Path, settings: Settings) -> LoadReport:
    from family_context.neo4j_client import close_drivers, get_driver

    started = time.perf_counter()
    cfg = load_sources(sources)
    validate_extracts(cfg, extracts)
    run = new_run_id()
    prepared = prepare_with_helper(extracts, linked, cfg, run)
    report = prepared.report
    report.kind = "bulk"
    report.timings["prepare"] = round(time.perf_counter() - started, 2)

    t = time.perf_counter()
    folder = Path(settings.neo4j_home) / "import" / f"bulk-{run}"
    args = write_import_files(prepared, run, folder)
    report.timings["write_csv"] = round(time.perf_counter() - t, 2)

    if neo4j_server.is_running(settings):
        console.print("Stopping Neo4j for the offline import (the `neo4j` database is replaced) ...")
        if neo4j_server.stop(settings) != 0:
            raise BulkImportError("Neo4j did not stop; nothing was imported")
    close_drivers()
    t = time.perf_counter()
    try:
        run_import(settings, args)
    finally:
        report.timings["import"] = round(time.perf_counter() - t, 2)
        shutil.rmtree(folder, ignore_errors=True)
        t = time.perf_counter()
        started_again = neo4j_server.start(settings, warm=False) == 0  # warmed below, once indexed
    if not started_again:
        raise BulkImportError("Neo4j did not start after the import; see its console.log")
    report.timings["start"] = round(time.perf_counter() - t, 2)
    driver = get_driver(settings)
    t = time.perf_counter()
    apply_migrations(driver)  # constraints, indexes and the full-text index are built here, over the imported data
    report.timings["indexes"] = round(time.perf_counter() - t, 2)
    check_generation(driver, prepared, run)
    report.seconds = round(time.perf_counter() - started, 1)
    # Not counted in the load's seconds: a transactional load writes into a server that is already running.
    t = time.perf_counter()
    neo4j_server.warm_up_if_worth_it(settings)
    report.timings["warm_up"] = round(time.perf_counter() - t, 2)
    write_quarantine(linked, report)
    console.print(f"Bulk-imported and published run {run}: {len(prepared.people):,} people; {report.seconds}s")
    return report
