"""Batched `UNWIND` writes of named Cypher queries, checked row for row, with progress and fault-test hooks."""
from __future__ import annotations

import os
import time
from typing import Any, Callable, Iterable, Iterator

from neo4j import Driver, Query, unit_of_work
from rich.progress import Progress

from cypher import query

# Rows per transaction. 10,000 measured best on the 2-core bench machine (bench/bench_load.py): larger batches gain
# nothing and hold more heap; smaller ones pay a round trip each.
BATCH_SIZE = int(os.environ.get("FC_LOAD_BATCH_SIZE", "10000"))
# Loads are not interactive: their statements may run longer than the server's default transaction timeout (30 s,
# meant for the API's reads). A generation is removed, or a step of a million rows written, in minutes.
LOAD_TIMEOUT_SECONDS = float(os.environ.get("FC_LOAD_TIMEOUT_SECONDS", "3600"))


def load_query(name: str) -> Query:
    return Query(query(name), timeout=LOAD_TIMEOUT_SECONDS)


class LoadWriteError(RuntimeError):
    """A batch wrote fewer rows than it was sent (a node it should attach to is missing): the run is not published."""


def chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class BatchCounter:
    """Counts batches across a run; after each one reports progress, and honours the fault-test hooks:

    FC_LOAD_PAUSE_AFTER_BATCHES=N  after N batches, stop and wait (a test then SIGKILLs the process);
    FC_LOAD_FAIL_AFTER_BATCHES=N   after N batches, raise (a bad batch);
    FC_LOAD_PAUSE_AT_STEP=name     after the first batch of that step (e.g. refresh/switch_attach), stop and wait.
    """

    def __init__(self, on_batch: Callable[[int, str], None] | None = None) -> None:
        self.batches = 0
        self.on_batch = on_batch
        self.pause_after = int(os.environ.get("FC_LOAD_PAUSE_AFTER_BATCHES", "0") or 0)
        self.fail_after = int(os.environ.get("FC_LOAD_FAIL_AFTER_BATCHES", "0") or 0)
        self.pause_step = os.environ.get("FC_LOAD_PAUSE_AT_STEP") or None

    def done(self, step: str) -> None:
        self.batches += 1
        if self.on_batch:
            self.on_batch(self.batches, step)
        if self.fail_after and self.batches >= self.fail_after:
            raise LoadWriteError(f"injected failure after batch {self.batches} ({step}): FC_LOAD_FAIL_AFTER_BATCHES")
        if (self.pause_after and self.batches >= self.pause_after) or (self.pause_step and step == self.pause_step):
            print(f"PAUSED after batch {self.batches} ({step})", flush=True)
            while True:
                time.sleep(3600)


def write_batches(driver: Driver, name: str, rows: list[dict[str, Any]], progress: Progress | None = None,
                  label: str | None = None, counter: BatchCounter | None = None,
                  batch_size: int | None = None, **params: Any) -> int:
    """Run `cypher/<name>.cypher` once per batch with `$rows` (plus `params`); return how many rows were written.

    Each query returns `written`; a batch that wrote fewer rows than it was sent raises LoadWriteError."""
    text = query(name)

    @unit_of_work(timeout=LOAD_TIMEOUT_SECONDS)
    def write(tx, batch: list[dict[str, Any]]) -> int:
        return tx.run(text, rows=batch, **params).single()["written"]

    task = progress.add_task(label or name, total=len(rows)) if progress else None
    written = 0
    with driver.session(notifications_min_severity="OFF") as session:
        for batch in chunks(rows, batch_size or BATCH_SIZE):
            got = session.execute_write(write, batch)
            if got != len(batch):
                raise LoadWriteError(f"{label or name}: a batch of {len(batch)} rows wrote {got}")
            written += got
            if progress and task is not None:
                progress.advance(task, len(batch))
            if counter:
                counter.done(label or name)
    return written


def run_write(driver: Driver, name: str, **params: Any) -> list[dict[str, Any]]:
    with driver.session(notifications_min_severity="OFF") as session:
        return session.execute_write(unit_of_work(timeout=LOAD_TIMEOUT_SECONDS)(
            lambda tx: [r.data() for r in tx.run(query(name), **params)]))


def run_read(driver: Driver, name: str, **params: Any) -> list[dict[str, Any]]:
    with driver.session(notifications_min_severity="OFF") as session:
        return session.execute_read(unit_of_work(timeout=LOAD_TIMEOUT_SECONDS)(
            lambda tx: [r.data() for r in tx.run(query(name), **params)]))


def run_auto(driver: Driver, name: str, **params: Any) -> None:
    """An auto-commit query (needed for CALL { } IN TRANSACTIONS)."""
    with driver.session(notifications_min_severity="OFF") as session:
        session.run(load_query(name), **params).consume()
