"""After a start, rehearse a refresh's switch on made-up data so that the JVM has compiled Neo4j's write paths before
the first real refresh needs them.

Why: a fresh JVM compiles Neo4j's code as it runs it. The read warm-up (`neo4j_server.warm_up`) covers the read
paths; the write paths (setting properties, creating and deleting relationships and nodes, the commit and its
index updates) were compiled during the first refresh that wrote anything. At a million people that refresh's
switch took 14.6 s against 9.7 s once warmed, its compiler threads taking a core of the two (docs/load_speed.md).
A rehearsal that is rolled back does not help: the commit, where most of that code runs, never happens.

So this commits, but only made-up data under its own run id (`WARM_UP_RUN`), which readers never see: every reader
matches the published run, as for a refresh's staged copy. Nothing is copied from anybody's records. The steps:

1. remove what a killed warm-up left (`load/remove_generation` for the scratch run ids);
2. create WARM_UP_PEOPLE made-up people, each with two records, an address, an address history entry and a household
   (`cypher/ops/warm_up_writes_stage.cypher`), committed;
3. run the refresh's own switch statements (`cypher/refresh/switch_*.cypher`) over them in ONE transaction, in the
   switch's order and with the same kinds of rows, committed;
4. remove the scratch data again.

A failure is reported and never fatal: only the first refresh after the start is slower.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Optional

from neo4j import Driver, ManagedTransaction, Query

from cypher import query
from graph_loader.batches import BATCH_SIZE, chunks
from graph_loader.runs import REMOVE_BATCH

WARM_UP_RUN = "warm-up"
RETIRED_RUN = f"{WARM_UP_RUN}:retired"
# Enough rows for the JVM to compile each write path (it compiles a method after some ten thousand calls), few enough
# to take seconds (at a million people: 16 s with 10,000).
WARM_UP_PEOPLE = 15_000


def remove_scratch(driver: Driver, timeout: float) -> None:
    """Delete the warm-up's made-up data, whatever step it stopped at (two index seeks when there is none)."""
    for run in (WARM_UP_RUN, RETIRED_RUN):
        with driver.session() as session:
            session.run(Query(query("load/remove_generation"), timeout=timeout), run=run,
                        batch=REMOVE_BATCH).consume()


def stage(driver: Driver, timeout: float) -> int:
    """Step 2: WARM_UP_PEOPLE made-up people, committed. How many were made."""
    rows, _, _ = driver.execute_query(Query(query("ops/warm_up_writes_stage"), timeout=timeout),
                                      {"people": WARM_UP_PEOPLE, "scratch": WARM_UP_RUN, "reasons": "w" * 500})
    return int(rows[0]["people"])


def switch_rows(sample: dict[str, Any]) -> list[tuple[str, list, dict[str, str]]]:
    """The switch statements to run, in the refresh's order, with rows like a refresh's over the made-up data: a few
    records replaced (retired, attached again), the rest changed; address history entries flip "current", some move;
    half the households rebuilt, people joining the rest."""
    people, records, lives, households = (sample[k] for k in ("people", "records", "lives", "households"))
    replaced, changed = records[:len(records) // 50], records[len(records) // 50:]
    moved = lives[:len(lives) // 20]
    rebuilt, joined = households[:len(households) // 2], households[len(households) // 2:]
    return [
        ("switch_retire", [r["eid"] for r in replaced], {"retired": RETIRED_RUN}),
        ("switch_stamp", [h["address"] for h in households], {"run": WARM_UP_RUN}),
        ("switch_attach", [{"person": r["person"], "record": r["eid"], "match_probability": r["probability"]}
                           for r in replaced], {"run": WARM_UP_RUN}),
        ("switch_set", [{"eid": r["eid"], "props": {"first_name": "warm-up again", "link_reasons": None}}
                        for r in changed], {}),
        ("switch_set_relationships", [{"eid": x["eid"], "props": {"current": not x["current"],
                                                                  "sources": ["warm-up", "again"]}}
                                      for x in lives], {}),
        ("switch_delete_relationships", [x["eid"] for x in moved] + [h["member_link"] for h in joined], {}),
        ("switch_lives_at", [{"person": x["person"], "address": x["address"], "sources": ["warm-up"],
                              "current": x["current"]} for x in moved], {}),
        ("switch_delete_nodes", [h["eid"] for h in rebuilt], {}),
        ("switch_households", [{"address": h["address"], "id": h["id"] + "/again", "members": [h["member"]]}
                               for h in rebuilt], {"run": WARM_UP_RUN}),
        ("switch_members", [{"person": people[i % len(people)], "household": h["eid"]}
                            for i, h in enumerate(joined)], {}),
    ]


def rehearse(driver: Driver, timeout: float) -> dict[str, int]:
    """Step 3: the switch statements over the made-up data in one committed transaction. What each wrote."""
    sample, _, _ = driver.execute_query(Query(query("ops/warm_up_writes_sample"), timeout=timeout),
                                        {"scratch": WARM_UP_RUN}, routing_="r")
    written: dict[str, int] = {}

    def switch(tx: ManagedTransaction) -> None:
        for name, rows, params in switch_rows(sample[0].data()):
            for batch in chunks(rows, BATCH_SIZE):  # as the refresh's switch sends them
                got = tx.run(query(f"refresh/{name}"), rows=batch, **params).single()
                written[name] = written.get(name, 0) + int(got["written"])

    with driver.session() as session:
        session.execute_write(switch)
    return written


def warm_up_writes(connect: Callable[[], Driver], timeout: float,
                   report: Callable[[str], None]) -> Optional[dict[str, int]]:
    """Steps 1-4 (module docstring). What the rehearsal wrote, or None when it failed (reported, never fatal)."""
    began = time.monotonic()
    try:
        with connect() as driver:
            remove_scratch(driver, timeout)
            made = stage(driver, timeout)
            written = rehearse(driver, timeout)
            remove_scratch(driver, timeout)
    except Exception as exc:  # a timeout, the server going away: only the first refresh is slower
        report(f"[yellow]Could not warm Neo4j's write paths ({type(exc).__name__}); the first refresh after this "
               "start will be slower. The made-up data it uses is never visible and is removed next time.[/yellow]")
        return None
    report(f"Warmed Neo4j's write paths in {time.monotonic() - began:.1f}s: a refresh's switch rehearsed on "
           f"{made:,} made-up people (never visible, removed again).")
    return written
