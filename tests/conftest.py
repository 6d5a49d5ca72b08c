"""Shared fixtures: a real Neo4j from the fetched jars, a small generated town linked and loaded into it, and the
real app served over HTTP by uvicorn. Built once per test session; every integration test talks to these."""
from __future__ import annotations

import csv
import dataclasses
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import pytest
import uvicorn

from family_context.settings import PROJECT_ROOT, Settings

TEST_TOWN_PEOPLE = 1500
TEST_TOWN_SEED = 11
SOURCES = PROJECT_ROOT / "demo_town" / "sources.yaml"


@dataclass
class LiveStack:
    base_url: str
    settings: Settings
    extracts_dir: Path
    linked_dir: Path

    def post(self, query: str, variables: dict | None = None) -> httpx.Response:
        return httpx.post(f"{self.base_url}/graphql", json={"query": query, "variables": variables or {}},
                          timeout=30)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    from family_context.neo4j_server import free_port, running_neo4j

    with running_neo4j(tmp_path_factory.mktemp("neo4j-var")) as settings:
        yield dataclasses.replace(settings, port=free_port())


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated town and its linkage output (extracts_dir, linked_dir)."""
    from demo_town.generate import generate_town
    from linkage.run import run_linkage

    base = tmp_path_factory.mktemp("town")
    extracts, linked = base / "extracts", base / "linked"
    generate_town(people=TEST_TOWN_PEOPLE, seed=TEST_TOWN_SEED, out=extracts)
    run_linkage(extracts=extracts, sources=SOURCES, out=linked, engine="duckdb")
    return extracts, linked


@pytest.fixture(scope="session")
def loaded_graph(neo4j_settings: Settings, town: tuple[Path, Path]) -> Settings:
    from graph_loader.load import load_graph

    extracts, linked = town
    load_graph(extracts=extracts, linked=linked, sources=SOURCES, settings=neo4j_settings)
    return neo4j_settings


@pytest.fixture(scope="session")
def live_stack(loaded_graph: Settings, town: tuple[Path, Path]) -> Iterator[LiveStack]:
    from family_context.app import create_app

    settings = loaded_graph
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=settings.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield LiveStack(f"http://127.0.0.1:{settings.port}", settings, *town)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def demo_child(town: tuple[Path, Path]) -> dict:
    """An LCS child with an open case and both parents recorded, with the person ids linkage gave them all."""
    extracts, linked = town
    person_of = {(r["source"], r["record_id"]): r["person_id"] for r in _csv(linked / "clusters.csv")}
    lcs = {r["lcs_id"]: r for r in _csv(extracts / "childrens_social_care.csv")}
    parents: dict[str, list[tuple[str, str]]] = {}
    for rel in _csv(extracts / "childrens_social_care_relationships.csv"):
        if rel["relationship"] in ("mother", "father"):
            parents.setdefault(rel["lcs_id"], []).append((rel["related_lcs_id"], rel["relationship"]))
    for lcs_id, row in sorted(lcs.items()):
        found = parents.get(lcs_id, [])
        kinds = {kind for _, kind in found}
        if (row["person_type"] == "child" and row["case_status"] == "open" and kinds == {"mother", "father"}
                and all(("lcs", pid) in person_of for pid, _ in found) and ("lcs", lcs_id) in person_of):
            return {
                "lcs_id": lcs_id,
                "person_id": person_of[("lcs", lcs_id)],
                "first_name": row["forename"],
                "last_name": row["surname"],
                "allocated_worker": row["allocated_worker"],
                "parents": [{"person_id": person_of[("lcs", pid)], "relationship": kind,
                             "first_name": lcs[pid]["forename"], "last_name": lcs[pid]["surname"]}
                            for pid, kind in found],
            }
    raise AssertionError("the test town has no LCS child with an open case and both parents recorded")
