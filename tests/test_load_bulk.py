"""The bulk path (`family-context load --bulk`, neo4j-admin database import) gives the graph the transactional path
gives, on a real Neo4j of its own (stopped for the offline import, then started again)."""
from __future__ import annotations

import pytest

from family_context.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

SOURCES = PROJECT_ROOT / "demo_town" / "sources.yaml"


def _record_warm_ups(monkeypatch) -> list[dict]:
    """Make start's cache warm-up run on the small test store, and note the indexes each warm-up finds."""
    from family_context import neo4j_server
    from family_context.neo4j_client import get_driver

    warmed: list[dict] = []
    real = neo4j_server.warm_up

    def recording(settings, *args, **kwargs):
        indexes = get_driver(settings).execute_query("SHOW INDEXES YIELD name, state").records
        result = real(settings, *args, **kwargs)
        warmed.append({"result": result, "online_indexes": {r["name"] for r in indexes if r["state"] == "ONLINE"},
                       "other_indexes": {r["name"] for r in indexes if r["state"] != "ONLINE"}})
        return result

    monkeypatch.setattr(neo4j_server, "WARM_UP_MIN_STORE_BYTES", 0)
    monkeypatch.setattr(neo4j_server, "warm_up", recording)
    return warmed


def test_bulk_import_and_transactional_load_give_the_same_graph(tmp_path_factory, monkeypatch):
    from demo_town.generate import generate_town
    from family_context.neo4j_client import get_driver
    from family_context.neo4j_server import running_neo4j
    from graph_loader.inspect import digest, generation_counts
    from graph_loader.load import load_graph
    from graph_loader.runs import published_run
    from linkage.run import run_linkage

    base = tmp_path_factory.mktemp("bulk-town")
    extracts, linked = base / "extracts", base / "linked"
    generate_town(people=300, seed=31, out=extracts)
    run_linkage(extracts=extracts, sources=SOURCES, out=linked, engine="duckdb")
    with running_neo4j(tmp_path_factory.mktemp("bulk-neo4j")) as settings:
        load_graph(extracts=extracts, linked=linked, sources=SOURCES, settings=settings, grace_seconds=0)
        transactional = generation_counts(get_driver(settings)), digest(get_driver(settings))

        warmed = _record_warm_ups(monkeypatch)
        report = load_graph(extracts=extracts, linked=linked, sources=SOURCES, settings=settings, bulk=True)
        driver = get_driver(settings)
        assert published_run(driver) == report.run_id
        # The imported database is warmed once, after its indexes are built: warming it before, it scanned every
        # node for each index read (at a million people, until its 15-minute timeout).
        assert len(warmed) == 1 and warmed[0]["result"] is not None
        assert "person_names" in warmed[0]["online_indexes"] and not warmed[0]["other_indexes"]
        assert (generation_counts(driver), digest(driver)) == transactional
        # The imported database is a normal one: migrations recorded, full-text search works, and the next
        # transactional load replaces it like any other generation.
        hits = driver.execute_query("CALL db.index.fulltext.queryNodes('person_names', 'a*') YIELD node "
                                    "RETURN count(node) AS n").records[0]["n"]
        assert hits > 0
        load_graph(extracts=extracts, linked=linked, sources=SOURCES, settings=settings, grace_seconds=0)
        assert (generation_counts(get_driver(settings)), digest(get_driver(settings))) == transactional
        # Both transports of the transactional path (server-side LOAD CSV, UNWIND batches over Bolt) agree too.
        monkeypatch.setenv("FC_LOAD_TRANSPORT", "unwind")
        load_graph(extracts=extracts, linked=linked, sources=SOURCES, settings=settings, grace_seconds=0)
        assert (generation_counts(get_driver(settings)), digest(get_driver(settings))) == transactional
