"""Reusable helpers for tests that need the real Neo4j (started from the fetched jars, no Docker).

In tests/conftest.py, for example:

    from tests.neo4j_fixture import running_neo4j, neo4j_jars_present

    @pytest.fixture(scope="session")
    def neo4j_settings(tmp_path_factory):
        if not neo4j_jars_present():
            pytest.skip("Neo4j jars not fetched: run `make bootstrap`")
        with running_neo4j(tmp_path_factory.mktemp("neo4j-var")) as settings:
            yield settings        # Settings(var_dir=..., neo4j_bolt_port=<free port>); get_driver(settings) works

`running_neo4j(var_dir, port=None)` starts a private server under var_dir/neo4j on a free loopback port (first
start ~10-15 s: it creates the system and neo4j databases and sets a generated password), yields its Settings and
always stops it (SIGTERM, then SIGKILL after 60 s).
"""
from __future__ import annotations

from family_context.neo4j_server import free_port, jars_present, running_neo4j
from family_context.settings import Settings

__all__ = ["running_neo4j", "free_port", "neo4j_jars_present"]


def neo4j_jars_present() -> bool:
    """True when `make neo4j-jars` has fetched the server's jars into .cache/neo4j/lib."""
    return jars_present(Settings())
