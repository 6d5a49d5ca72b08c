"""Where a search's Neo4j CPU goes at scale: Neo4j CPU per query for the search and its parts, under N concurrent
auto-commit readers (as the app reads), no app in between.

Run on purpose against a loaded town (it is not a test):

    . var/bench/api1m/env.sh && .venv/bin/python bench/bench_search_cost.py --clients 20 --seconds 10

Queries, each with the same 200 sampled names as bench/bench_api.py:
- `fixed`: `cypher/bench/published_run.cypher`, Neo4j's cost for any query at all;
- `hits_only`: the full-text call with its filter and ranking (`cypher/bench/search_hits_only.cypher`);
- `hits_only_exact`: the same with exact words only (no `~1` edit-distance terms), to price typo tolerance;
- `search`: `cypher/api/search_by_name.cypher`, hits with their records and current address.
Prints one JSON document: per query, requests per second and Neo4j CPU ms per query (the figure to compare between
runs: it hardly moves when other work shares the machine), with the load average before and after.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import uvloop
from neo4j import READ_ACCESS, AsyncGraphDatabase, Query

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_api import sample, search_params  # noqa: E402
from bench.cpu import cpu_seconds  # noqa: E402
from cypher import query  # noqa: E402
from family_context.neo4j_server import server_pid  # noqa: E402
from family_context.settings import get_settings  # noqa: E402

QUERIES = {"fixed": ("bench/published_run", False), "hits_only": ("bench/search_hits_only", False),
           "hits_only_exact": ("bench/search_hits_only", True), "search": ("api/search_by_name", False)}


def params(name: str, exact: bool) -> dict[str, Any]:
    p = search_params(name)
    if exact:
        p["lucene"] = p["lucene"].replace("~1", "")
    return p


async def measure(driver: Any, text: str, names: list[str], exact: bool, clients: int, seconds: float,
                  neo4j_pid: int, warmup: float = 0.0) -> dict[str, Any]:
    """Neo4j CPU per query over `seconds`; with `warmup`, only run the query that long, unmeasured."""
    done = 0

    async def client(first: int, until: float) -> None:
        nonlocal done
        i = first
        while time.perf_counter() < until:
            async with driver.session(default_access_mode=READ_ACCESS) as session:
                result = await session.run(Query(text), params(names[i % len(names)], exact))
                await result.values()
            done += 1
            i += clients

    if warmup:
        await asyncio.gather(*(client(w, time.perf_counter() + warmup) for w in range(clients)))
        return {}
    done, cpu_before, started = 0, cpu_seconds(neo4j_pid), time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client(w, until) for w in range(clients)))
    elapsed = time.perf_counter() - started
    return {"queries_per_second": round(done / elapsed), "neo4j_cpu_ms_per_query":
            round(1000 * (cpu_seconds(neo4j_pid) - cpu_before) / max(done, 1), 3)}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = get_settings()
    _, names = sample(settings, args.sample, args.seed)
    neo4j_pid = server_pid(settings)
    if not neo4j_pid:
        raise SystemExit("Neo4j is not running for these settings: `family-context neo4j start` first")
    results: dict[str, Any] = {"clients": args.clients, "seconds_per_query": args.seconds,
                               "names_sampled": len(names), "load_average_at_start": os.getloadavg()}
    driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password),
                                       max_connection_pool_size=args.clients, notifications_min_severity="OFF")
    try:
        # Every query first, unmeasured: right after a start Neo4j's JIT compilers take several CPU-seconds, which
        # would be charged to whichever query ran first.
        for name, exact in QUERIES.values():
            await measure(driver, query(name), names, exact, args.clients, args.seconds, neo4j_pid, args.warmup)
        for label, (name, exact) in QUERIES.items():
            results[label] = await measure(driver, query(name), names, exact, args.clients, args.seconds, neo4j_pid)
    finally:
        await driver.close()
    results["load_average_at_end"] = os.getloadavg()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=20, help="unmeasured seconds per query first")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)  # bench_api.py's sample
    args = parser.parse_args()
    print(json.dumps(uvloop.run(run(args)), indent=2))


if __name__ == "__main__":
    main()
