"""One-source refresh: `family-context load --only housing_tenancy,housing_asb`.

Replaces what the named sources own in the *published* generation. What a source owns: its SourceRecords (with
HAS_RECORD, RECORDED_AT, HAS_PHONE from the contact numbers file for its records), their Involvements (RECORDS,
WITH, LEAD_PRACTITIONER), its SourceExtract; for `lcs` also the family relationships. What depends on it is
recomputed for the people it touches (everyone who held or now holds one of its records): shown name and DOB,
address history, the households at their old and new current addresses; people left with no record are removed,
and phones, practitioners and addresses nothing points at any more.

Staged batches, then one short switch (docs/graph_model.md, section 3):

1. read (committed state): what the graph holds now for the sources and the people they touch;
2. stage, in committed batches of 10,000 rows: the new records with their involvements, and the people, addresses,
   practitioners and phones that do not exist yet, all under the refresh's own run id. Readers match
   `run: g.run` and reach records only from a person, so nothing staged is visible;
3. switch, in ONE transaction that only flips what readers can see, finding every node and relationship by element
   id (no index seeks, which slow down in a transaction that changes the same index): old records detached and
   re-stamped as retired, staged nodes stamped with the published run, new records attached to their people, and
   only the person properties, address history entries, households and relationships that actually change;
4. after the switch, retired records and orphans are deleted in small transactions.

This module reads, stages and switches; what differs between the graph and the new rows (records kept, address
history, households, relationships) is worked out by the pure functions of graph_loader/refresh_changes.py.

Killed (or Neo4j restarted) before or during the switch: readers still see the old source data, whole; the next
load or refresh marks the run abandoned and removes its staged copy, and re-running finishes the job. Killed after
the switch: the new data is published; the next load removes the retired records.

Records need a person: the person id comes from the new linkage output (clusters.csv), so the normal path is
re-link, then refresh. The refresh checks that the new linkage agrees with the published graph about who owns every
*other* source's record of the people it touches; if re-linking moved such records (a new housing record bridged
two people, say) it refuses and asks for a full load, which is the only way to move them consistently.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Iterator

from neo4j import Driver, ManagedTransaction, Result, unit_of_work
from neo4j.exceptions import Neo4jError
from rich.progress import Progress

from cypher import query
from family_context.settings import Settings
from graph_loader.batches import BATCH_SIZE, LOAD_TIMEOUT_SECONDS, BatchCounter, chunks, run_auto, run_write
from graph_loader.contact_numbers import phone_rows
from graph_loader.helper_process import start_helper
from graph_loader.linked_reader import people_with_sources
from graph_loader.load import console, new_run_id, write_quarantine
from graph_loader.migrations import apply_migrations
from graph_loader.people import StandardRecord
from graph_loader.practitioners import read_directory
from graph_loader.prepare import (LoadReport, address_nodes, extract_dates, holds_digests,
                                  involvement_rows, people_rows, phone_nodes, read_linked,
                                  source_extract_rows, source_people_address_ids, source_people_link_reasons,
                                  source_rows)
from graph_loader.refresh_changes import (address_history_changes, household_changes, kept_records, line_updates,
                                          other_record_changes, person_changes, practitioner_updates,
                                          relationship_changes, staged_record_rows, touched_addresses)
from graph_loader.relationships import RELATIONSHIP_SOURCE, relationship_rows
from graph_loader.runs import REMOVE_BATCH, claim, fail_run, published_run, remove_refresh_leftovers, start_run
from linkage.sources_config import load_sources, validate_extracts

# The switch is one transaction; a 1,000,000-person town's housing switch flips a few hundred thousand entities.
SWITCH_TIMEOUT_SECONDS = 900
# Keep records that come out the same (update them in place) rather than replacing every record of the source;
# FC_REFRESH_KEEP_UNCHANGED=0 replaces them all (the benchmark compares the two).
KEEP_UNCHANGED = os.environ.get("FC_REFRESH_KEEP_UNCHANGED", "1") != "0"


class RefreshError(RuntimeError):
    """The refresh cannot be applied consistently; the message says why and what to do."""


# Neo4j's codes for a transaction refused memory: all transactions together over their share of the heap
# (dbms.memory.transaction.total.max, 70 % of it), one over db.memory.transaction.max, or the heap itself.
MEMORY_REFUSED = ("Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                  "Neo.ClientError.General.TransactionOutOfMemoryError", "Neo.TransientError.General.OutOfMemoryError")


@contextmanager
def _memory_refusal_stops(what: str) -> Iterator[None]:
    """A transaction Neo4j refused memory stops the refresh at once, saying what to do. Most of these errors are
    "transient", so the driver would otherwise run the same transaction, needing the same memory, again for half a
    minute. Raised before or inside the switch, so nothing readers see has changed."""
    try:
        yield
    except Neo4jError as exc:
        if exc.code not in MEMORY_REFUSED:
            raise
        raise RefreshError(
            f"Neo4j refused the memory the refresh's {what} needed ({exc.code}: {exc.message}); nothing readers see "
            "has changed. Give Neo4j a larger heap (FC_NEO4J_HEAP: its transactions may hold 70 % of it; and "
            "FC_NEO4J_TRANSACTION_MEMORY, if set, caps each one), or run a full load, which writes in small "
            "batches") from exc


def _rows(result: Result) -> list[dict]:
    """A result's rows as dicts. The queries return plain values (no nodes or relationships), so this skips
    `Record.data()`'s walk over every nested value, which at a million people cost seconds per read."""
    keys = result.keys()
    return [dict(zip(keys, record)) for record in result]


class _Steps:
    """Runs the refresh's named queries in batches, timing each step and counting batches for the fault hooks."""

    def __init__(self, driver: Driver, counter: BatchCounter, progress: Progress | None) -> None:
        self.driver = driver
        self.counter = counter
        self.progress = progress
        self.seconds: dict[str, float] = defaultdict(float)

    def _timed(self, name: str, started: float) -> None:
        self.seconds[name.split("/")[-1]] += time.perf_counter() - started

    def read(self, name: str, rows: list[Any] | None = None, collected: bool = False, **params: Any) -> list[dict]:
        """Committed state, one read transaction per batch of `rows` (or one for the whole query). `collected`: the
        query returns each batch's rows as one list, `batch` (far less work for the driver than a row each)."""
        started = time.perf_counter()
        out: list[dict] = []

        @unit_of_work(timeout=LOAD_TIMEOUT_SECONDS)
        def work(tx: ManagedTransaction, batch: list[Any] | None) -> list[dict]:
            extra = {} if batch is None else {"rows": batch}
            with _memory_refusal_stops(f"read {name}"):
                got = _rows(tx.run(query(name), **extra, **params))
            return [row for r in got for row in r["batch"]] if collected else got

        with self.driver.session(notifications_min_severity="OFF") as session:
            for batch in (chunks(rows, BATCH_SIZE) if rows is not None else [None]):
                out.extend(session.execute_read(work, batch))
                self.counter.done(name)
        self._timed(name, started)
        return out

    def stage(self, name: str, rows: list[Any], label: str, **params: Any) -> list[dict]:
        """Committed write batches of staged (invisible) nodes; each batch must return one row per row sent."""
        started = time.perf_counter()
        out: list[dict] = []
        task = self.progress.add_task(f"stage {label}", total=len(rows)) if self.progress and rows else None

        @unit_of_work(timeout=LOAD_TIMEOUT_SECONDS)
        def work(tx: ManagedTransaction, batch: list[Any]) -> list[dict]:
            with _memory_refusal_stops(f"staging {name}"):
                return _rows(tx.run(query(name), rows=batch, **params))

        with self.driver.session(notifications_min_severity="OFF") as session:
            for batch in chunks(rows, BATCH_SIZE):
                got = session.execute_write(work, batch)
                if len(got) != len(batch):
                    raise RefreshError(f"{name}: a batch of {len(batch)} rows staged {len(got)}")
                out.extend(got)
                if task is not None:
                    self.progress.advance(task, len(batch))
                self.counter.done(name)
        self._timed(name, started)
        return out

    def switch(self, tx: ManagedTransaction, name: str, rows: list[Any], exact: bool = True,
               **params: Any) -> int:
        """Inside the switch transaction; `exact` checks every row was applied (a missing node fails the refresh)."""
        started = time.perf_counter()
        written = 0
        for batch in chunks(rows, BATCH_SIZE):
            with _memory_refusal_stops(f"switch ({name})"):
                got = tx.run(query(name), rows=batch, **params).single()["written"]
            if exact and got != len(batch):
                raise RefreshError(f"{name}: a batch of {len(batch)} rows wrote {got}")
            written += got
            self.counter.done(name)
        self._timed(name, started)
        return written


def refresh_sources(extracts: Path, linked: Path, sources: Path, settings: Settings, only: list[str]) -> LoadReport:
    """Refresh the named sources inside the published generation (see the module docstring)."""
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
    remove_refresh_leftovers(driver)  # a killed refresh's staged copy, or retired records it did not get to delete
    run_id = new_run_id()
    start_run(driver, run_id, "refresh", sorted(only))
    try:
        report = _refresh(driver, extracts, linked, cfg, set(only), generation, run_id, started)
    except BaseException as exc:
        fail_run(driver, run_id, f"{type(exc).__name__}: {exc}")
        if isinstance(exc, Exception):
            try:  # nothing staged is visible; removing it now saves the next load the work
                remove_refresh_leftovers(driver)
            except Exception:
                pass
        raise
    write_quarantine(linked, report)
    counts = {k: v for k, v in report.counts.items()}
    total_in = sum(c.rows_in for c in counts.values())
    total_q = sum(c.rows_quarantined for c in counts.values())
    console.print(f"Refreshed {', '.join(sorted(only))} in generation {generation}: rows in {total_in:,}, "
                  f"quarantined {total_q:,}; {report.written.get('records_replaced', 0):,} records replaced, "
                  f"{report.written.get('records_updated_in_place', 0):,} updated in place, switched in "
                  f"{report.timings.get('switch', 0)}s; {report.seconds}s")
    return report


def _by_key(rows: Iterable[dict], key: str) -> dict[str, dict]:
    return {r[key]: r for r in rows}


def _refresh(driver: Driver, extracts: Path, linked: Path, cfg, only: set[str], generation: str, run_id: str,
             started: float) -> LoadReport:
    # Reads that do not depend on each other run side by side, and the touched people's state is read while Python
    # prepares the new rows: Neo4j answers on one core while Python works on the other. Leaving the block waits for
    # every read still running, also on error.
    # The touched people's address ids and their records' link reasons (a third of preparing, in Python) are worked
    # out in a process of its own, on the other core, meanwhile (prepare.source_people_address_ids and
    # source_people_link_reasons).
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="refresh-read") as pool, \
            start_helper("refresh") as helper:
        return _refresh_reading_with(pool, helper, driver, extracts, linked, cfg, only, generation, run_id,
                                     started)


def _refresh_reading_with(pool: ThreadPoolExecutor, helper: ProcessPoolExecutor, driver: Driver, extracts: Path,
                          linked: Path, cfg, only: set[str], generation: str, run_id: str,
                          started: float) -> LoadReport:
    report = LoadReport(run_id=run_id, kind="refresh")
    run, stage_run, retired = generation, run_id, f"{run_id}:retired"
    counter = BatchCounter(lambda n, step: None)
    steps = _Steps(driver, counter, None)
    # The sources' records as the graph holds them are read while DuckDB reads the new linkage output of the people
    # who hold a record of the sources now; the people who held one before and no longer do are read after (few).
    # The helper works out those people's address ids first (the people's rows need them), then their records' link
    # reasons, which are needed only once the records are compared, so the people's rows are worked out here while
    # the helper is still on the reasons.
    ids = helper.submit(source_people_address_ids, linked, sorted(only))
    reasons = helper.submit(source_people_link_reasons, linked, sorted(only))
    old_records = pool.submit(lambda: steps.read("refresh/owned_records", steps.read(
        "refresh/owned_record_ids", sources=sorted(only), run=run)[0]["ids"], collected=True, run=run))
    # The people who hold a record of the sources in the new linkage output are nearly always the people who held
    # one before: their state is read from the start, alongside; the others' once the owned records are in.
    holding = people_with_sources(linked / "clusters.csv", only)
    states = [pool.submit(steps.read, "refresh/person_state", sorted(holding), collected=True, run=run,
                          sources=sorted(only))]
    dates = extract_dates(extracts, cfg)
    linked_records = read_linked(linked, dates, keep_people=holding, reasons={})
    holders = list(linked_records.values())  # their link reasons come from the helper process
    # The business rules need only the sources' own records, which all belong to `holding`: they run while the
    # graph is still being read.
    involvements, accepted = source_rows(extracts, cfg, linked_records, dates, report, only=only)
    new_records = {k: linked_records[k] for k in accepted}
    inv_rows, practitioner_rows = involvement_rows(involvements, read_directory(extracts / "staff_directory.csv"))
    phones = phone_rows(extracts, cfg, new_records, report, only_sources=only)
    _, has_phone = phone_nodes(phones)
    t = time.perf_counter()
    old = old_records.result()
    report.timings["wait_owned_records"] = round(time.perf_counter() - t, 2)
    old_people = {r["person_id"] for r in old}
    states.append(pool.submit(steps.read, "refresh/person_state", sorted(old_people - holding), collected=True,
                              run=run, sources=sorted(only)))
    no_longer = old_people - holding
    if no_longer:
        linked_records.update(read_linked(linked, dates, keep_people=no_longer))
    t = time.perf_counter()
    try:
        known_ids = ids.result()
    except Exception:  # the helper process could not run: people_rows works them out here
        known_ids = {}
    report.timings["wait_helper_address_ids"] = round(time.perf_counter() - t, 2)
    report.timings["prepare"] = round(time.perf_counter() - started, 2)

    with Progress(console=console, transient=True) as progress:
        steps.progress = progress

        # 1. Read what the graph holds now (committed state; the claim keeps other loads out meanwhile).
        t = time.perf_counter()
        old_owner = {r["key"]: r["person_id"] for r in old}
        affected = set(old_owner.values()) | {r.person_id for r in new_records.values()}
        states.append(pool.submit(steps.read, "refresh/person_state", sorted(affected - old_people - holding),
                                  collected=True, run=run, sources=sorted(only)))
        # Only the touched people: some of `holding` may have had every record of the sources quarantined.
        state = {row["person_id"]: row for future in states for row in future.result()
                 if row["person_id"] in affected}
        # Other sources' records: those the graph holds on the touched people came with their state; any other
        # the new linkage gives them is looked up by key (a record it moved from someone else, or one not loaded).
        other_records = {o[0]: {"key": o[0], "person_id": pid, "eid": o[1], "link": o[2], "link_reasons": o[3],
                                "match_probability": o[4]}
                         for pid, now in state.items() for o in now["others"]}
        new_other_by_person: dict[str, list[StandardRecord]] = defaultdict(list)
        for key, rec in linked_records.items():
            if rec.source not in only and rec.person_id in affected:
                new_other_by_person[rec.person_id].append(rec)
        elsewhere = sorted({r.key for recs in new_other_by_person.values() for r in recs} - set(other_records))
        other_records.update(_by_key(steps.read("refresh/record_owners", elsewhere, run=run), "key"))
        owners = {k: r["person_id"] for k, r in other_records.items()}
        moved = [k for k, owner in owners.items() if k not in linked_records or linked_records[k].person_id != owner]
        if moved:
            raise RefreshError(
                f"the new linkage output moved {len(moved)} record(s) of other sources between people (e.g. "
                f"{', '.join(sorted(moved)[:3])}); a one-source refresh cannot move them consistently: run a full "
                "load instead")

        # What the touched people should look like afterwards.
        by_person: dict[str, list[StandardRecord]] = defaultdict(list)
        for rec in new_records.values():
            by_person[rec.person_id].append(rec)
        for pid, recs in new_other_by_person.items():
            by_person[pid].extend(r for r in recs if r.key in owners)  # only records the graph holds
        people, lives_at, recorded_all = people_rows(by_person, known_ids)
        all_records = [rec for recs in by_person.values() for rec in recs]
        wanted_addresses = address_nodes(all_records, known_ids)
        # The addresses the touched people live at now came with their state; only the others are looked up.
        addresses = {l[0]: {"id": l[0], "eid": l[1], "line": l[2]} for now in state.values() for l in now["lives_at"]}
        # Records that come out with the same person, involvements, phones and addresses are kept and updated in
        # place (a corrected name, new link reasons); only the others are replaced by staged copies. A new extract
        # date alone changes nothing stored on a record: readers take it from the source's SourceExtract.
        # What a record holds (involvements, phones, addresses) is compared by the digest every load stores on it
        # (prepare.holds_digests), not by reading it all back: a record written before digests existed is replaced.
        digests = holds_digests(new_records, inv_rows, has_phone, recorded_all)
        t_wait = time.perf_counter()
        try:
            got = reasons.result()
        except Exception:  # the helper process could not run: read them here
            got = source_people_link_reasons(linked, sorted(only))
        report.timings["wait_helper_link_reasons"] = round(time.perf_counter() - t_wait, 2)
        for rec in holders:
            rec.link_reasons = got.get(rec.key)
        del got
        kept, record_updates, probability_changes = kept_records(old if KEEP_UNCHANGED else [], new_records,
                                                                 digests, cfg)
        retiring = [r for r in old if r["key"] not in kept]
        # What only the retiring records point at may be orphaned once they go (deleted after the switch).
        retiring_links = pool.submit(steps.read, "refresh/record_links", [r["eid"] for r in retiring])
        replaced = sorted((rec for key, rec in new_records.items() if key not in kept), key=lambda r: r.key)
        # Only replaced records are staged: only their phone numbers need a node (kept ones hold theirs already).
        numbers = sorted({ph["number"] for ph in has_phone if ph["record_key"] not in kept})

        reads = {name: pool.submit(steps.read, f"refresh/{name}", rows, run=run) for name, rows in (
            ("known_addresses", sorted(set(wanted_addresses) - set(addresses))),
            ("known_practitioners", sorted(p["id"] for p in practitioner_rows)), ("known_phones", numbers),
            ("services", None))}
        touched = touched_addresses(state, lives_at, affected)
        reads["address_residents"] = pool.submit(steps.read, "refresh/address_residents", touched, run=run)
        addresses.update(_by_key(reads["known_addresses"].result(), "id"))
        practitioners = _by_key(reads["known_practitioners"].result(), "id")
        phone_eid = {r["number"]: r["eid"] for r in reads["known_phones"].result()}
        service_eid = {r["key"]: r["eid"] for r in reads["services"].result()}
        residents = _by_key(reads["address_residents"].result(), "address_id")
        relationships_now: list[dict] = []
        relationships_new: list[dict] = []
        if RELATIONSHIP_SOURCE in only:
            relationships_now = steps.read("refresh/source_relationships", sources=[RELATIONSHIP_SOURCE], run=run)
            every_lcs = {k: r for k, r in linked_records.items()
                         if (r.source != RELATIONSHIP_SOURCE or k in new_records)}
            relationships_new = relationship_rows(extracts, cfg, every_lcs, report)
        report.timings["read"] = round(time.perf_counter() - t, 2)

        # 2. Stage, in committed batches, everything new, under the refresh's own run id (invisible to readers).
        t = time.perf_counter()
        person_eid = {pid: r["eid"] for pid, r in state.items()}
        new_people = [row for row in people if row["id"] not in person_eid]
        staged_people = {r["id"]: r["eid"] for r in steps.stage("refresh/stage_people", new_people, "people",
                                                                stage=stage_run)}
        person_eid.update(staged_people)
        address_eid = {aid: r["eid"] for aid, r in addresses.items()}
        staged_addresses = {r["id"]: r["eid"] for r in steps.stage(
            "refresh/stage_addresses", [wanted_addresses[aid] for aid in sorted(set(wanted_addresses) - set(addresses))],
            "addresses", stage=stage_run)}
        address_eid.update(staged_addresses)
        practitioner_eid = {pid: r["eid"] for pid, r in practitioners.items()}
        staged_practitioners = {r["id"]: r["eid"] for r in steps.stage(
            "refresh/stage_practitioners", [p for p in sorted(practitioner_rows, key=lambda p: p["id"])
                                            if p["id"] not in practitioners], "practitioners", stage=stage_run)}
        practitioner_eid.update(staged_practitioners)
        staged_phones = {r["id"]: r["eid"] for r in steps.stage(
            "refresh/stage_phones", [{"number": n} for n in numbers if n not in phone_eid], "phones",
            stage=stage_run)}
        phone_eid.update(staged_phones)

        record_rows = staged_record_rows(replaced, cfg, digests, recorded_all, inv_rows, has_phone, address_eid,
                                         service_eid, practitioner_eid, phone_eid)
        staged_records = {r["key"]: r["eid"] for r in steps.stage("refresh/stage_records", record_rows, "records",
                                                                  stage=stage_run)}
        report.timings["stage"] = round(time.perf_counter() - t, 2)

        # What the switch changes besides the records: only what differs from the graph now.
        t = time.perf_counter()
        changed_people = person_changes(people, state)
        gone_people = sorted(affected - set(by_person))
        lives = address_history_changes(state, lives_at, set(gone_people), person_eid, address_eid)
        households = household_changes(touched, residents, lives_at, affected, person_eid, address_eid)
        address_lines = line_updates(wanted_addresses, addresses)
        practitioners_changed = practitioner_updates(practitioner_rows, practitioners)
        rels_delete, to_create = relationship_changes(relationships_now, relationships_new)
        missing = sorted({pid for r in to_create for pid in (r["from_id"], r["to_id"])} - set(person_eid))
        person_eid.update({r["id"]: r["eid"] for r in steps.read("refresh/known_people", missing, run=run)})
        rels_create = [{"from": person_eid[r["from_id"]], "to": person_eid[r["to_id"]], "type": r["type"],
                        "kind": r["kind"], "source": r["source"]} for r in to_create]
        attach = [{"person": person_eid[rec.person_id], "record": staged_records[rec.key],
                   "match_probability": rec.match_probability}
                  for rec in replaced]
        other_updates, probability_updates = other_record_changes(other_records, linked_records)
        stamped = sorted({*staged_people.values(), *staged_addresses.values(), *staged_practitioners.values(),
                          *staged_phones.values()})
        extract_rows = source_extract_rows(cfg, dates, report, only)
        report.timings["diff"] = round(time.perf_counter() - t, 2)

    # 3. The switch: one transaction, only flips; readers see all of it or none of it.
    t = time.perf_counter()

    def switch(tx: ManagedTransaction) -> None:
        now = tx.run(query("refresh/published_is")).single()
        if now is None or now["run"] != run:
            raise RefreshError(f"the published generation changed during the refresh (was {run}); run it again")
        steps.switch(tx, "refresh/switch_retire", [r["eid"] for r in retiring], retired=retired)
        steps.switch(tx, "refresh/switch_stamp", stamped, run=run)
        report.written["records_replaced"] = steps.switch(tx, "refresh/switch_attach", attach, run=run)
        steps.switch(tx, "refresh/switch_set", changed_people + address_lines + practitioners_changed
                     + other_updates + record_updates)
        steps.switch(tx, "refresh/switch_set_relationships", probability_updates + probability_changes
                     + lives.update)
        steps.switch(tx, "refresh/switch_delete_relationships", lives.delete + rels_delete + households.members_leave)
        steps.switch(tx, "refresh/switch_lives_at", lives.create)
        steps.switch(tx, "refresh/switch_relationships", rels_create)
        steps.switch(tx, "refresh/switch_delete_nodes",
                     [person_eid[p] for p in gone_people] + households.delete, exact=False)
        steps.switch(tx, "refresh/switch_households", households.create, run=run)
        steps.switch(tx, "refresh/switch_members", households.members_join)
        steps.switch(tx, "load/source_extracts", extract_rows, run=run)
        report.seconds = round(time.perf_counter() - started, 1)
        tx.run(query("refresh/finish"), run_id=run_id, run=run, counts=report.counts_json(),
               seconds=report.seconds, retired=retired).consume()

    with driver.session(notifications_min_severity="OFF") as session, _memory_refusal_stops("switch"):
        session.execute_write(unit_of_work(timeout=SWITCH_TIMEOUT_SECONDS,
                                           metadata={"app": "family-context", "load": run_id})(switch))
    report.timings["switch"] = round(time.perf_counter() - t, 2)
    # What users wait for: from the command's start until readers see the new source data.
    report.timings["published_after"] = round(time.perf_counter() - started, 2)

    # 4. After the switch: delete the retired records, then what only they pointed at.
    t = time.perf_counter()
    run_auto(driver, "load/remove_generation", run=retired, batch=REMOVE_BATCH)
    run_write(driver, "refresh/delete_orphans", run=run,
              numbers=sorted({n for r in retiring_links.result() for n in r["numbers"]}),
              practitioners=sorted({p for r in retiring_links.result() for p in r["practitioners"]}),
              addresses=sorted({a for r in retiring_links.result() for a in r["addresses"]}))
    run_write(driver, "load/run_removed", run=run_id)
    report.timings["remove_retired"] = round(time.perf_counter() - t, 2)

    # Nodes and relationships the refresh wrote (staged and switched), for the benchmark's entities per second.
    entities = (2 * len(record_rows) + len(stamped) + len(lives.create) + len(rels_create)
                + sum(len(r["addresses"]) + len(r["phones"]) for r in record_rows)
                + sum(3 + (1 if inv["practitioner"] else 0) for r in record_rows for inv in r["involvements"])
                + sum(2 + len(h["members"]) for h in households.create) + len(households.members_join))
    report.written.update({
        "entities": (entities + len(record_updates) + len(probability_changes) + len(lives.update)
                     + len(households.members_leave)),
        "involvements": len(inv_rows),
        "records": len(new_records), "records_kept": len(kept), "records_updated_in_place": len(record_updates),
        "records_removed": len(retiring), "people_touched": len(affected),
        "people_changed": len(changed_people), "people_added": len(staged_people), "people_removed": len(gone_people),
        "other_records_rescored": len(other_updates) + len(probability_updates),
        "lives_at_changed": len(lives.delete) + len(lives.update) + len(lives.create),
        "households_rebuilt": len(households.create),
        "household_members_changed": len(households.members_leave) + len(households.members_join),
        "relationships_changed": len(rels_delete) + len(rels_create)})
    report.timings.update({f"step_{k}": round(v, 2) for k, v in steps.seconds.items()})
    report.seconds = round(time.perf_counter() - started, 1)
    return report
