"""Batched `UNWIND` writes of named Cypher queries, with progress."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from neo4j import Driver
from rich.progress import Progress

from cypher import query

BATCH_SIZE = 5000


def chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_batches(driver: Driver, name: str, rows: list[dict[str, Any]], progress: Progress | None = None,
                  label: str | None = None, **params: Any) -> int:
    """Run `cypher/<name>.cypher` once per batch with `$rows` (plus `params`); return how many rows were sent."""
    text = query(name)
    task = progress.add_task(label or name, total=len(rows)) if progress else None
    sent = 0
    with driver.session() as session:
        for batch in chunks(rows, BATCH_SIZE):
            session.execute_write(lambda tx, b=batch: tx.run(text, rows=b, **params).consume())
            sent += len(batch)
            if progress and task is not None:
                progress.advance(task, len(batch))
    return sent


def run_write(driver: Driver, name: str, **params: Any) -> None:
    with driver.session() as session:
        session.execute_write(lambda tx: tx.run(query(name), **params).consume())
