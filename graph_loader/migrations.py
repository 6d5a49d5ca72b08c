"""Apply the numbered schema migrations in `cypher/migrations/`, each once, in order."""
from __future__ import annotations

from neo4j import Driver, Query

from cypher import migration_names, query, statements
from graph_loader.batches import LOAD_TIMEOUT_SECONDS


def apply_migrations(driver: Driver) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now. Each statement is idempotent too."""
    applied_before = {r["id"] for r in driver.execute_query(query("load/migrations_applied")).records}
    applied_now = []
    for name in migration_names():
        if name in applied_before:
            continue
        # Auto-commit, so that a data migration may batch with CALL IN TRANSACTIONS, and with a load's timeout
        # rather than the server's 30 s: such a migration walks every record of a large graph.
        with driver.session() as session:
            for statement in statements(name):
                session.run(Query(statement, timeout=LOAD_TIMEOUT_SECONDS)).consume()
        driver.execute_query(query("load/migration_record"), id=name)
        applied_now.append(name)
    driver.execute_query(query("load/await_indexes"))
    return applied_now
