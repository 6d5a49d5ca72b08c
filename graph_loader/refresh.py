"""One-source refresh: `family-context load --only housing_tenancy,housing_asb`.

Replaces what the named sources own in the *published* generation, in ONE transaction, so readers see either the
old source data or the new, never a mix, and a refresh that is killed (or whose Neo4j restarts) leaves nothing
behind: Neo4j rolls the transaction back. What a source owns: its SourceRecords (with HAS_RECORD, RECORDED_AT,
HAS_PHONE from the contact numbers file for its records), their Involvements (RECORDS, WITH, LEAD_PRACTITIONER), its
SourceExtract; for `lcs` also the family relationships. What depends on it is recomputed for the people it touches
(everyone who held or now holds one of its records): shown name and DOB, address history, the households at their
old and new current addresses; people left with no record, and phones, practitioners and addresses nothing points
at any more, are removed.

Records need a person: the person id comes from the new linkage output (clusters.csv), so the normal path is
re-link, then refresh. The refresh checks that the new linkage agrees with the published graph about who owns every
*other* source's record of the people it touches; if re-linking moved such records (a new housing record bridged
two people, say) it refuses and asks for a full load, which is the only way to move them consistently.
"""
from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from neo4j import Driver, ManagedTransaction

from cypher import query
from family_context.settings import Settings
from graph_loader.batches import BatchCounter, chunks
from graph_loader.contact_numbers import phone_rows
from graph_loader.load import console, new_run_id, write_quarantine
from graph_loader.migrations import apply_migrations
from graph_loader.people import StandardRecord
from graph_loader.practitioners import read_directory
from graph_loader.prepare import (LoadReport, address_nodes, extract_dates, involvement_rows, people_rows,
                                  phone_nodes, read_linked, record_row, source_extract_rows, source_rows)
from graph_loader.relationships import RELATIONSHIP_SOURCE, relationship_rows
from graph_loader.runs import claim, fail_run, published_run, start_run
from linkage.sources_config import load_sources, validate_extracts

TX_BATCH = 10_000
REFRESH_TIMEOUT_SECONDS = 900


class RefreshError(RuntimeError):
    """The refresh cannot be applied consistently; the message says why and what to do."""


_counter = BatchCounter()  # fault-test hooks (FC_LOAD_PAUSE_AFTER_BATCHES, FC_LOAD_FAIL_AFTER_BATCHES)


_step_seconds: dict[str, float] = {}


def _rows(tx: ManagedTransaction, name: str, rows: list[Any], **params: Any) -> list[dict]:
    started = time.perf_counter()
    out: list[dict] = []
    for batch in chunks(rows, TX_BATCH):
        out.extend(r.data() for r in tx.run(query(name), rows=batch, **params))
        _counter.done(name)
    _step_seconds[name] = round(_step_seconds.get(name, 0) + time.perf_counter() - started, 2)
    return out


def _write(tx: ManagedTransaction, name: str, rows: list[Any], **params: Any) -> int:
    started = time.perf_counter()
    written = 0
    for batch in chunks(rows, TX_BATCH):
        got = tx.run(query(name), rows=batch, **params).single()["written"]
        if name.startswith("load/") and got != len(batch):
            raise RefreshError(f"{name}: a batch of {len(batch)} rows wrote {got}")
        written += got
        _counter.done(name)
    _step_seconds[name] = round(_step_seconds.get(name, 0) + time.perf_counter() - started, 2)
    return written


def refresh_sources(extracts: Path, linked: Path, sources: Path, settings: Settings, only: list[str]) -> LoadReport:
    from family_context.neo4j_client import check_available, get_driver

    started = time.perf_counter()
    cfg = load_sources(sources)
    known = {s.name for s in cfg.sources}
    unknown = sorted(set(only) - known)
    if unknown:
        raise RefreshError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    validate_extracts(cfg, extracts)
    check_available(settings)
    driver = get_driver(settings)
    apply_migrations(driver)
    generation = published_run(driver)
    if generation is None:
        raise RefreshError("nothing is published yet: run a full load first")
    claim(driver)
    run_id = new_run_id()
    start_run(driver, run_id, "refresh", sorted(only))
    try:
        report = _refresh(driver, extracts, linked, cfg, set(only), generation, run_id, started)
    except BaseException as exc:
        fail_run(driver, run_id, f"{type(exc).__name__}: {exc}")
        raise
    write_quarantine(linked, report)
    counts = {k: v for k, v in report.counts.items()}
    total_in = sum(c.rows_in for c in counts.values())
    total_q = sum(c.rows_quarantined for c in counts.values())
    console.print(f"Refreshed {', '.join(sorted(only))} in generation {generation}: rows in {total_in:,}, "
                  f"quarantined {total_q:,}; {report.seconds}s")
    return report


def _refresh(driver: Driver, extracts: Path, linked: Path, cfg, only: set[str], generation: str, run_id: str,
             started: float) -> LoadReport:
    global _counter
    _counter = BatchCounter()
    _step_seconds.clear()
    report = LoadReport(run_id=run_id, kind="refresh")
    dates = extract_dates(extracts, cfg)
    linked_records = read_linked(linked, dates)
    involvements, accepted = source_rows(extracts, cfg, linked_records, dates, report, only=only)
    new_records = {k: linked_records[k] for k in accepted}
    inv_rows, practitioner_rows = involvement_rows(involvements, read_directory(extracts / "staff_directory.csv"))
    phones = phone_rows(extracts, cfg, new_records, report, only_sources=only)
    _, has_phone = phone_nodes(phones)
    report.timings["prepare"] = round(time.perf_counter() - started, 2)

    def work(tx: ManagedTransaction) -> None:
        run = generation
        old_owner = {r["key"]: r["person_id"] for r in tx.run(query("refresh/owned_records"), run=run,
                                                                 sources=sorted(only))}
        affected = set(old_owner.values()) | {r.person_id for r in new_records.values()}
        graph_people = {r["person_id"]: r for r in _rows(tx, "refresh/person_records", sorted(affected), run=run)
                        } if affected else {}
        # Other sources' records of the affected people, as the graph and as the new linkage see them.
        graph_other = {k for r in graph_people.values() for k in r["record_keys"]
                       if k.split(":", 1)[0] not in only}
        new_other_by_person: dict[str, list[StandardRecord]] = defaultdict(list)
        for key, rec in linked_records.items():
            if rec.source not in only and rec.person_id in affected:
                new_other_by_person[rec.person_id].append(rec)
        candidates = graph_other | {r.key for recs in new_other_by_person.values() for r in recs}
        owners = {r["key"]: r["person_id"] for r in _rows(tx, "refresh/record_owners", sorted(candidates), run=run,
                                                          )} if candidates else {}
        moved = [k for k, owner in owners.items()
                 if k not in linked_records or linked_records[k].person_id != owner]
        if moved:
            raise RefreshError(
                f"the new linkage output moved {len(moved)} record(s) of other sources between people (e.g. "
                f"{', '.join(sorted(moved)[:3])}); a one-source refresh cannot move them consistently: run a full "
                "load instead")
        by_person: dict[str, list[StandardRecord]] = defaultdict(list)
        for rec in new_records.values():
            by_person[rec.person_id].append(rec)
        for pid, recs in new_other_by_person.items():
            by_person[pid].extend(r for r in recs if r.key in owners)  # only records the graph holds
        people, lives_at, recorded_all = people_rows(by_person)
        addresses_of: dict[str, list[str]] = defaultdict(list)
        for r in recorded_all:
            if r["record_key"] in new_records:
                addresses_of[r["record_key"]].append(r["address_id"])
        involvements_of: dict[str, list[dict]] = defaultdict(list)
        for inv in inv_rows:
            involvements_of[inv["record_key"]].append(inv)
        phones_of: dict[str, list[dict]] = defaultdict(list)
        for ph in has_phone:
            phones_of[ph["record_key"]].append(ph)

        deleted = _rows(tx, "refresh/delete_records", sorted(old_owner), run=run)
        report.written["records_removed"] = len(deleted)
        _write(tx, "refresh/upsert_people", people, run=run)
        all_records = [rec for recs in by_person.values() for rec in recs]
        _write(tx, "refresh/upsert_addresses",
               sorted(address_nodes(all_records).values(), key=lambda a: a["id"]), run=run)
        _write(tx, "load/lives_at", lives_at, run=run)
        _write(tx, "refresh/upsert_practitioners", practitioner_rows, run=run)
        record_rows = []
        for rec in sorted(new_records.values(), key=lambda r: r.key):
            row = record_row(rec, cfg)
            row.update(addresses=addresses_of.get(rec.key, []), involvements=involvements_of.get(rec.key, []),
                       phones=phones_of.get(rec.key, []))
            record_rows.append(row)
        report.written["records"] = _write(tx, "refresh/records", record_rows, run=run)
        report.written["involvements"] = len(inv_rows)
        if RELATIONSHIP_SOURCE in only:
            tx.run(query("refresh/delete_relationships"), run=run, sources=[RELATIONSHIP_SOURCE]).consume()
            every_lcs = {k: r for k, r in linked_records.items()
                         if (r.source != RELATIONSHIP_SOURCE or k in new_records)}
            _write(tx, "load/relationships", relationship_rows(extracts, cfg, every_lcs, report), run=run)
        touched_addresses = {a for r in graph_people.values() for a in r["current_addresses"]} | {
            row["address_id"] for row in lives_at if row["current"]}
        _write(tx, "refresh/delete_people", sorted(affected - set(by_person)), run=run)
        _write(tx, "refresh/households", sorted(touched_addresses), run=run)
        tx.run(query("refresh/delete_orphans"), run=run,
               numbers=sorted({n for d in deleted for n in d["numbers"]}),
               practitioners=sorted({p for d in deleted for p in d["practitioners"]}),
               addresses=sorted({a for d in deleted for a in d["addresses"]})).consume()
        _write(tx, "load/source_extracts", source_extract_rows(cfg, dates, report, only), run=run)
        report.seconds = round(time.perf_counter() - started, 1)
        tx.run(query("refresh/finish"), run_id=run_id, run=run, counts=report.counts_json(),
               seconds=report.seconds).consume()
        report.written["people_touched"] = len(affected)

    t = time.perf_counter()
    with driver.session(notifications_min_severity="OFF") as session:
        with session.begin_transaction(timeout=REFRESH_TIMEOUT_SECONDS,
                                       metadata={"app": "family-context", "load": run_id}) as tx:
            work(tx)
            tx.commit()
    report.timings["transaction"] = round(time.perf_counter() - t, 2)
    report.timings.update({f"tx_{k.split('/')[-1]}": v for k, v in _step_seconds.items()})
    report.seconds = round(time.perf_counter() - started, 1)
    return report
