"""Read back what a load wrote: per-generation counts and a content digest (tests, benchmark, load reports)."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from neo4j import Driver

from graph_loader.batches import run_read
from graph_loader.runs import published_run


def generation_counts(driver: Driver, run: str | None = None) -> dict[str, dict[str, int]]:
    """{'nodes': per label, 'relationships': per type} of one generation (the published one by default)."""
    run = run or published_run(driver)
    nodes = {r["label"]: r["nodes"] for r in run_read(driver, "load/generation_counts", run=run)}
    rels = {r["type"]: r["relationships"] for r in run_read(driver, "load/generation_relationships", run=run)}
    return {"nodes": nodes, "relationships": rels}


def digest_rows(driver: Driver, run: str | None = None) -> list[dict[str, Any]]:
    """The generation's content person by person, without run ids (cypher/load/generation_digest.cypher)."""
    run = run or published_run(driver)
    return [{k: (str(v) if v is not None and not isinstance(v, (str, int, float, list)) else v)
             for k, v in row.items()} for row in run_read(driver, "load/generation_digest", run=run)]


def digest(driver: Driver, run: str | None = None) -> str:
    return hashlib.sha256(json.dumps(digest_rows(driver, run), sort_keys=True).encode()).hexdigest()
