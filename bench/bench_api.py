"""API latency under concurrency, and the GraphQL layer's overhead over the same Cypher run directly.

Run on purpose against a loaded town (it is not a test):

    FC_VAR_DIR=... FC_NEO4J_BOLT_PORT=... .venv/bin/python bench/bench_api.py --clients 20 --seconds 15 \
        [--workers 2] --token "$(.venv/bin/family-context dev-token --role massh_analyst)"

It starts `family-context serve` in its own process on a free port (so the load generator does not share the
server's interpreter), samples people and names from the graph, drives each scenario with N concurrent clients for
a fixed time, and right after it the scenario's Cypher straight through the async driver with the same concurrency.
The token is minted with the dev IdP's key in FC_VAR_DIR when that IdP is not running (it lives 15 minutes).
Prints one JSON document: p50/p95/p99 latency in ms, requests per second and errors per scenario, CPU per request
of the app, Neo4j and the load generator itself, and the ratio of GraphQL p95 to direct-Cypher p95; also the
search's full-text call alone (`cypher_search_hits_only`: no details per hit), the floor any search sits on. The GraphQL
clients use bench/lean_http.py (kept-alive connections, a few tenths of a millisecond of CPU per request) so that
the load generator takes as little as possible of the two cores it shares with what it measures.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import httpx2
import uvloop
from neo4j import READ_ACCESS, AsyncGraphDatabase, GraphDatabase, Query

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu import cpu_seconds, tree_cpu_seconds  # noqa: E402
from bench.lean_http import LeanConnection, graphql_ok  # noqa: E402
from cypher import query  # noqa: E402
from family_context.neo4j_server import free_port, server_pid  # noqa: E402
from family_context.settings import get_settings  # noqa: E402
from resolvers.person_page import CASE_SOURCES  # noqa: E402
from resolvers.search_terms import lucene_query  # noqa: E402

SEARCH = """query($name: String!) { searchPeople(name: $name) { edges { node { id displayName dob age caseIds
  currentAddress sources } } pageInfo { hasNextPage endCursor } } }"""
ROOT = Path(__file__).resolve().parent.parent
# The web client's own person-page document (records and why they were linked included), not a copy of it.
PERSON = re.search(r"export const PERSON = `(.*?)`;",
                   (ROOT / "web_client" / "static" / "graphql.js").read_text(encoding="utf-8"), re.S).group(1)
NETWORK = """query($id: ID!) { network(personId: $id, depth: 2) { truncated nodes { id kind label age services }
  edges { source target type kind } } }"""


def search_params(name: str) -> dict[str, Any]:
    # As the app asks for a page of twenty: one hit more says whether there is a next page.
    return {"lucene": lucene_query(name), "skip": 0, "limit": 21, "case_sources": CASE_SOURCES,
            "dob": None, "dob_from": None, "dob_to": None}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))], 2)


def summary(latencies: list[float], errors: int, seconds: float) -> dict[str, Any]:
    return {"requests": len(latencies), "errors": errors, "rps": round(len(latencies) / seconds, 1),
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99), "mean_ms": round(statistics.mean(latencies), 2)}


async def drive(call: Callable[[int], Awaitable[bool]], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(worker: int) -> None:
        nonlocal errors
        i = worker
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            ok = await call(i)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if ok else 1
            i += clients

    await asyncio.gather(*(client(w) for w in range(clients)))
    return summary(latencies, errors, seconds)


def sample(settings, n: int, seed: int) -> tuple[list[str], list[str]]:
    with GraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)) as driver:
        total = driver.execute_query("MATCH (p:Person) RETURN count(p) AS n").records[0]["n"]
        rng = random.Random(seed)
        skips = sorted(rng.randrange(total) for _ in range(n))
        rows = [driver.execute_query("MATCH (p:Person) RETURN p.id AS id, p.display_name AS name SKIP $s LIMIT 1",
                                     s=s).records[0] for s in skips]
    return [r["id"] for r in rows], [r["name"] for r in rows]


def start_server(settings, port: int, workers: int = 1) -> subprocess.Popen:
    # The N clients share one bearer token, i.e. one user: the per-user rate limit (600 a minute) would throttle
    # them as if one social worker clicked 20 times at once. N clients stand for N users, so it is lifted here.
    env = {"FC_RATE_LIMIT_PER_MINUTE": "10000000", **os.environ, "FC_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "family_context.cli", "serve", "--workers", str(workers)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx2.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the app did not start")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = get_settings()
    ids, names = sample(settings, args.sample, args.seed)
    port = free_port()
    server = start_server(settings, port, args.workers)
    url = f"http://127.0.0.1:{port}/graphql"
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    results: dict[str, Any] = {"clients": args.clients, "seconds_per_scenario": args.seconds,
                               "warmup_seconds_per_scenario": args.warmup,
                               "people_sampled": len(ids), "sign_in": bool(args.token), "workers": args.workers,
                               "cpus": os.cpu_count(),
                               # Other work on this shared machine skews every figure: say how busy it was.
                               "load_average_at_start": os.getloadavg()}
    driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password),
                                       max_connection_pool_size=args.clients, notifications_min_severity="OFF")
    # One kept-alive connection per client; client w always sends requests w, w + N, w + 2N, ... one at a time.
    connections = [LeanConnection("127.0.0.1", port, headers) for _ in range(args.clients)]
    try:
        async def gql(i: int, document: str, variables: dict) -> bool:
            status, body = await asyncio.wait_for(connections[i % args.clients].post_json(
                "/graphql", {"query": document, "variables": variables}), timeout=30)
            ok = graphql_ok(status, body)
            if not ok and not results.get("first_error"):
                results["first_error"] = body[:300].decode(errors="replace")
            return ok

        async def cypher(name: str, params: dict) -> bool:
            # Sent as the app sends it (resolvers/graph_reader.py): an auto-commit read, RUN and PULL in one round
            # trip. A managed transaction (`execute_query`) adds BEGIN and COMMIT and would flatter the ratio.
            async with driver.session(default_access_mode=READ_ACCESS) as session:
                result = await session.run(Query(query(name)), params)
                await result.values()
            return True

        scenarios = {
            "search": lambda i: gql(i, SEARCH, {"name": names[i % len(names)]}),
            "person_page": lambda i: gql(i, PERSON, {"id": ids[i % len(ids)]}),
            "network_depth_2": lambda i: gql(i, NETWORK, {"id": ids[i % len(ids)]}),
        }
        direct = {
            "search": lambda i: cypher("api/search_by_name", search_params(names[i % len(names)])),
            "person_page": lambda i: cypher("api/person_page", {"id": ids[i % len(ids)],
                                                                "case_sources": CASE_SOURCES}),
            "network_depth_2": lambda i: cypher("api/network", {
                "id": ids[i % len(ids)], "depth": 2, "relationship_filter": "PARENT_OF|SIBLING_OF|CARER_OF|"
                "PARTNER_OF|RELATED_TO|MEMBER_OF", "label_filter": "+Person|+Household", "limit": 500}),
        }
        neo4j_pid = server_pid(settings)

        async def measured(call: Callable[[int], Awaitable[bool]], through_app: bool) -> dict[str, Any]:
            # CPU per request of the app (all its worker processes), of Neo4j and of this load generator: the
            # figures that hold still when other work shares the machine, unlike latency.
            app_before = tree_cpu_seconds(server.pid)
            neo4j_before = cpu_seconds(neo4j_pid) if neo4j_pid else 0.0
            client_before = time.process_time()
            figures = await drive(call, args.clients, args.seconds)
            requests = max(figures["requests"], 1)
            figures["load_generator_cpu_ms_per_request"] = round(
                1000 * (time.process_time() - client_before) / requests, 2)
            if through_app:
                figures["app_cpu_ms_per_request"] = round(
                    1000 * (tree_cpu_seconds(server.pid) - app_before) / requests, 2)
            if neo4j_pid:
                figures["neo4j_cpu_ms_per_request"] = round(
                    1000 * (cpu_seconds(neo4j_pid) - neo4j_before) / requests, 2)
            return figures

        # Where search's floor lies: the full-text call alone (no details per hit), straight through the driver.
        hits_only = lambda i: cypher("bench/search_hits_only", search_params(names[i % len(names)]))  # noqa: E731
        # Warm Neo4j's page cache and both JITs first: right after a start, the first run measured cold caches
        # (at 1,000,000 people, 3-6x the CPU per search of a warm server).
        for name, call in scenarios.items():
            await drive(call, args.clients, args.warmup)
            await drive(direct[name], args.clients, args.warmup / 2)
        # Each scenario's GraphQL run and its direct-Cypher run back to back: on a shared machine the load
        # changes from minute to minute, and the ratio should compare like with like.
        for name, call in scenarios.items():
            results[f"graphql_{name}"] = await measured(call, through_app=True)
            results[f"cypher_{name}"] = await measured(direct[name], through_app=False)
        results["cypher_search_hits_only"] = await measured(hits_only, through_app=False)
    finally:
        for connection in connections:
            connection.close()
        await driver.close()
        server.terminate()
        server.wait(timeout=30)
    for name in ("search", "person_page", "network_depth_2"):
        results[f"graphql_over_cypher_p95_{name}"] = round(
            results[f"graphql_{name}"]["p95_ms"] / max(results[f"cypher_{name}"]["p95_ms"], 0.01), 2)
    results["targets_ms_p95"] = {"search": 50, "person_page": 100, "network_depth_2": 200}
    results["load_average_at_end"] = os.getloadavg()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=10, help="seconds of unmeasured load per scenario first")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="API worker processes (`serve --workers`)")
    parser.add_argument("--token", default=os.environ.get("FC_BENCH_TOKEN"), help="bearer token, when sign-in is on")
    print(json.dumps(uvloop.run(run(parser.parse_args())), indent=2))


if __name__ == "__main__":
    main()
