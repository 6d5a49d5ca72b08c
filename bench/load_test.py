"""Load test: N concurrent signed-in social workers doing the journey, for a fixed time, on loopback.

Each simulated user has their own bearer token (signed by the development identity provider's key, with the
social_worker role and one of five teams) and repeats: search by name -> open a person from the results (the web
client's person-page document) -> the team around that person. Between steps a user "reads" for a random
think time (default 0.5-1.5 s; --think 0 for a stress test); users arrive over the first 2 x think seconds.
Run on purpose (not a test):

    .venv/bin/python bench/load_test.py                       # builds a 5,000-person demo town in var/loadtest
    .venv/bin/python bench/load_test.py --users 50 --seconds 60 --people 5000 --out bench/load_test_results.json

It starts a private Neo4j (from the fetched jars) and `family-context serve` in its own process, both on free
loopback ports under --var-dir (kept, so a second run reuses the loaded town), drives the users with asyncio +
httpx2, then stops both. Bounded: the run stops after --seconds, every request times out after 30 s. Prints one
JSON document (also written to --out): p50/p95/p99 per step, requests, errors by status and code, journeys done.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import csv
import dataclasses
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import tree_cpu_seconds  # noqa: E402
from family_context.settings import Settings  # noqa: E402

SOURCES = ROOT / "demo_town" / "sources.yaml"
TEAMS = ("Front Door", "Assessment", "Child Protection", "Children in Care", "Out of Hours")
TARGETS_P95_MS = {"search": 50, "person_page": 100, "team_around_child": 200}


def _document(js_file: Path, name: str) -> str:
    """The web client's own GraphQL document (so the allow-list and the load are what a browser sends)."""
    text = js_file.read_text(encoding="utf-8")
    start = text.index(f"query {name}(")
    end = text.index("`", start)
    return text[start:end]


SEARCH = _document(ROOT / "web_client" / "static" / "graphql.js", "SearchPeople")
PERSON = _document(ROOT / "web_client" / "static" / "graphql.js", "Person")
TEAM = _document(ROOT / "web_client" / "static" / "queries.js", "TeamAroundChild")


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))], 1)


@dataclasses.dataclass
class Step:
    latencies: list[float] = dataclasses.field(default_factory=list)
    errors: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def summary(self, seconds: float) -> dict[str, Any]:
        return {"requests": len(self.latencies), "errors": sum(self.errors.values()),
                "error_kinds": dict(self.errors), "rps": round(len(self.latencies) / seconds, 1),
                "p50_ms": percentile(self.latencies, 50), "p95_ms": percentile(self.latencies, 95),
                "p99_ms": percentile(self.latencies, 99), "max_ms": percentile(self.latencies, 100)}


# --- the stack ---------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def stack(var_dir: Path, people: int, seed: int) -> Iterator[tuple[Settings, str, int]]:
    from family_context.neo4j_server import free_port, running_neo4j

    var_dir.mkdir(parents=True, exist_ok=True)
    port_file = var_dir / "bolt_port"
    bolt = int(port_file.read_text()) if port_file.exists() else free_port()
    port_file.write_text(str(bolt))
    with running_neo4j(var_dir, port=bolt, heap="1g", pagecache="512m") as settings:
        settings = dataclasses.replace(settings, port=free_port(), dev_idp_port=free_port())
        ensure_town(settings, var_dir, people, seed)
        env = {**os.environ, "FC_VAR_DIR": str(var_dir), "FC_NEO4J_BOLT_PORT": str(bolt),
               "FC_PORT": str(settings.port), "FC_DEV_IDP_PORT": str(settings.dev_idp_port), "FC_LOG_LEVEL": "WARNING"}
        env.pop("FC_NEO4J_PASSWORD", None)
        log = (var_dir / "serve.log").open("ab")
        server = subprocess.Popen([sys.executable, "-m", "family_context.cli", "serve"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{settings.port}"
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx2.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the app did not start; see {var_dir / 'serve.log'}")
                time.sleep(0.3)
            yield settings, base, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


def ensure_town(settings: Settings, var_dir: Path, people: int, seed: int) -> None:
    """Generate, link and load a town of `people` unless this var dir already has it published."""
    from family_context.ops.status import collect

    marker = var_dir / "town.json"
    wanted = {"people": people, "seed": seed}
    status = collect(settings)
    if status.published_run and marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    from demo_town.generate import generate_town
    from graph_loader.load import load_graph
    from linkage.run import run_linkage

    extracts, linked = var_dir / "extracts", var_dir / "linked"
    generate_town(people=people, seed=seed, out=extracts)
    run_linkage(extracts=extracts, sources=SOURCES, out=linked, engine="duckdb")
    load_graph(extracts=extracts, linked=linked, sources=SOURCES, settings=settings, grace_seconds=0)
    marker.write_text(json.dumps(wanted))


def search_names(var_dir: Path, n: int, seed: int) -> list[str]:
    """Names a social worker would type: 'Forename Surname' of children and adults in the LCS extract."""
    with (var_dir / "extracts" / "childrens_social_care.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(seed)
    picks = rng.sample(rows, min(n, len(rows)))
    return [f"{r['forename']} {r['surname']}" for r in picks]


# --- the users ---------------------------------------------------------------------------------------------------

async def user(number: int, http: httpx2.AsyncClient, url: str, token: str, names: list[str], steps: dict[str, Step],
               deadline: float, think: float, rng: random.Random, journeys: list[int]) -> None:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "referral"}

    async def call(step: str, document: str, variables: dict) -> dict | None:
        started = time.perf_counter()
        try:
            response = await http.post(url, json={"query": document, "variables": variables}, headers=headers)
        except httpx2.HTTPError as exc:
            steps[step].latencies.append((time.perf_counter() - started) * 1000)
            steps[step].errors[type(exc).__name__] += 1
            return None
        steps[step].latencies.append((time.perf_counter() - started) * 1000)
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or body.get("errors"):
            codes = sorted({(e.get("extensions") or {}).get("code", "?") for e in body.get("errors") or []})
            steps[step].errors[f"{response.status_code} {','.join(codes)}".strip()] += 1
            return None
        return body.get("data")

    async def pause() -> None:
        if think > 0:
            await asyncio.sleep(min(rng.uniform(0.5 * think, 1.5 * think), max(0.0, deadline - time.perf_counter())))

    if think > 0:
        # Users arrive over the first few seconds, as people do (locust's spawn rate), not all in one millisecond:
        # fifty simultaneous first searches measured the start-up herd, not the service.
        await asyncio.sleep(rng.uniform(0, 2 * think))
    i = number
    while time.perf_counter() < deadline:
        name = names[i % len(names)]
        i += 1
        found = await call("search", SEARCH, {"name": name, "dob": None, "caseId": None, "first": 20})
        hits = [edge["node"] for edge in ((found or {}).get("searchPeople") or {}).get("edges") or []]
        if not hits:
            await pause()
            continue
        await pause()
        if time.perf_counter() >= deadline:
            break
        person_id = hits[0]["id"]
        page = await call("person_page", PERSON, {"id": person_id})
        await pause()
        if page is None or time.perf_counter() >= deadline:
            continue
        await call("team_around_child", TEAM, {"id": person_id})
        journeys[0] += 1
        await pause()


async def drive(settings: Settings, base: str, users: int, seconds: float, think: float, names: list[str],
                seed: int) -> dict[str, Any]:
    from family_context.dev_idp.keys import mint

    tokens = [mint(settings, {"sub": f"user:load.{n:03d}", "roles": ["social_worker"], "name": f"Load User {n}",
                              "team": TEAMS[n % len(TEAMS)]}, lifetime=int(seconds) + 600) for n in range(users)]
    steps = {name: Step() for name in ("search", "person_page", "team_around_child")}
    journeys = [0]
    url = f"{base}/graphql"
    limits = httpx2.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as http:
        # Warm up (JIT, page cache, token validation cache) with a few journeys, not measured.
        warm = {name: Step() for name in steps}
        await asyncio.gather(*(user(n, http, url, tokens[n], names, warm, time.perf_counter() + 5, 0,
                                    random.Random(n), [0]) for n in range(min(users, 5))))
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.wait_for(asyncio.gather(*(
            user(n, http, url, tokens[n], names, steps, deadline, think, random.Random(seed + n), journeys)
            for n in range(users))), timeout=seconds + 60)
        elapsed = time.perf_counter() - started
    result = {name: step.summary(elapsed) for name, step in steps.items()}
    return {"steps": result, "journeys_completed": journeys[0], "elapsed_s": round(elapsed, 1),
            "requests": sum(len(s.latencies) for s in steps.values()),
            "errors": sum(sum(s.errors.values()) for s in steps.values()),
            "rps": round(sum(len(s.latencies) for s in steps.values()) / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between steps, seconds (0: none)")
    parser.add_argument("--people", type=int, default=5000, help="size of the demo town built in --var-dir")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "loadtest")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "load_test_results.json")
    args = parser.parse_args()
    if args.users < 1 or args.seconds <= 0 or args.seconds > 3600:
        raise SystemExit("--users must be >= 1 and --seconds in (0, 3600]")
    with stack(args.var_dir.resolve(), args.people, args.seed) as (settings, base, server_pid):
        names = search_names(args.var_dir.resolve(), 500, args.seed)
        load_before, cpu_before = os.getloadavg()[0], tree_cpu_seconds(server_pid)
        measured = asyncio.run(drive(settings, base, args.users, args.seconds, args.think, names, args.seed))
        app_cpu = tree_cpu_seconds(server_pid) - cpu_before
    # CPU time the app process spent per request: unlike latency, it hardly moves when other work shares the
    # machine, so it is the figure to compare between runs (warm-up requests included, hence "about").
    measured["app_cpu_ms_per_request_about"] = round(1000 * app_cpu / max(measured["requests"], 1), 1)
    measured["load_average_1m"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    result = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "users": args.users, "seconds": args.seconds, "think_s": args.think, "town_people": args.people,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets_p95_ms": TARGETS_P95_MS,
        **measured,
    }
    result["within_targets"] = {step: (result["steps"][step]["p95_ms"] or 0) <= target
                                for step, target in TARGETS_P95_MS.items()}
    text = json.dumps(result, indent=2)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
