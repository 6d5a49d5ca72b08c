"""Shared fixtures: a real Neo4j from the fetched jars, a small generated town linked and loaded into it, the
development identity provider, and the real app served over HTTP by uvicorn. Built once per test session; every
integration test talks to these. `live_stack.graphql(...)` sends a social worker's bearer token unless told
otherwise (`role="massh_analyst"`, `token=...`, or `token=None` with `anonymous=True`)."""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx2
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
    idp: Any = None
    _tokens: dict = field(default_factory=dict, repr=False)

    def token(self, role: str = "social_worker", scope: str | None = None) -> str:
        """A real access token from the dev IdP (code + PKCE for users, client credentials for the integrator)."""
        from family_context.dev_idp.client import token_for_role

        key = (role, scope)
        cached = self._tokens.get(key)
        if cached is None or time.monotonic() - cached[1] > 600:  # the dev IdP's tokens live 15 minutes
            cached = self._tokens[key] = (token_for_role(self.settings.issuer, role, scope), time.monotonic())
        return cached[0]

    def post(self, query: str, variables: dict | None = None, *, role: str = "social_worker",
             token: str | None = None, anonymous: bool = False, headers: dict | None = None) -> httpx2.Response:
        sent = dict(headers or {})
        if not anonymous:
            sent["Authorization"] = f"Bearer {token or self.token(role)}"
        return httpx2.post(f"{self.base_url}/graphql", json={"query": query, "variables": variables or {}},
                          headers=sent, timeout=30)

    def graphql(self, query: str, variables: dict | None = None, **kwargs: Any) -> dict:
        response = self.post(query, variables, **kwargs)
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


@contextlib.contextmanager
def serve_app(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on settings.port in a background thread; yields its base URL."""
    from family_context.app import create_app

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
        yield f"http://127.0.0.1:{settings.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_stack(loaded_graph: Settings, town: tuple[Path, Path]) -> Iterator[LiveStack]:
    from family_context.dev_idp import start_dev_idp
    from family_context.neo4j_server import free_port

    # The dev IdP on its own loopback port; JWKS refetches are not throttled so the unknown-kid test can count one.
    settings = dataclasses.replace(loaded_graph, dev_idp_port=free_port(), jwks_refetch_interval=0.0,
                                   rate_limit_per_minute=100_000)
    idp = start_dev_idp(settings, redirect_uris=[f"{settings.app_url}/callback"])
    # The linkage run the graph was loaded from, as a deployment names it (the match review queue reads it).
    previous_linked = os.environ.get("FC_LINKED_DIR")
    os.environ["FC_LINKED_DIR"] = str(town[1])
    try:
        with serve_app(settings) as base_url:
            yield LiveStack(base_url, settings, *town, idp=idp)
    finally:
        idp.stop()
        if previous_linked is None:
            os.environ.pop("FC_LINKED_DIR", None)
        else:
            os.environ["FC_LINKED_DIR"] = previous_linked


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
                "parents": [{"person_id": person_of[("lcs", pid)], "relationship": kind, "lcs_id": pid,
                             "first_name": lcs[pid]["forename"], "last_name": lcs[pid]["surname"]}
                            for pid, kind in found],
            }
    raise AssertionError("the test town has no LCS child with an open case and both parents recorded")


@pytest.fixture(scope="session")
def common_surname(loaded_graph: Settings) -> str:
    """The surname the most people in the loaded town share: a search that finds more than a page."""
    from neo4j import GraphDatabase

    s = loaded_graph
    with GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password)) as driver:
        return driver.execute_query("""
            MATCH (g:Published {id: 'graph'}) MATCH (p:Person {run: g.run}) WHERE p.last_name IS NOT NULL
            RETURN p.last_name AS name, count(*) AS n ORDER BY n DESC, name LIMIT 1""").records[0]["name"]
