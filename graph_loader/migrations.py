"""Apply the numbered schema migrations in `cypher/migrations/`, each once, in order."""
from __future__ import annotations

from neo4j import Driver

from cypher import migration_names, query, statements


def apply_migrations(driver: Driver) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now. Each statement is idempotent too."""
    applied_before = {r["id"] for r in driver.execute_query(query("load/migrations_applied")).records}
    applied_now = []
    for name in migration_names():
        if name in applied_before:
            continue
        with driver.session() as session:  # auto-commit: a data migration may batch with CALL IN TRANSACTIONS
            for statement in statements(name):
                session.run(statement).consume()
        driver.execute_query(query("load/migration_record"), id=name)
        applied_now.append(name)
    driver.execute_query(query("load/await_indexes"))
    return applied_now
