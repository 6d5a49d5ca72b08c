"""The Cypher library: every query the project runs is a named, parameterised `.cypher` file in this folder.

Code asks for a query by name (`query("api/person")`); user input only ever travels as parameters, never as
Cypher text. Migrations live in `migrations/`, numbered and applied in order.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CYPHER_DIR = Path(__file__).resolve().parent


class UnknownQuery(KeyError):
    """Raised for a query name with no `.cypher` file behind it."""


@lru_cache(maxsize=None)
def query(name: str) -> str:
    """The text of `cypher/<name>.cypher`; names are fixed strings in code, never user input."""
    path = (CYPHER_DIR / f"{name}.cypher").resolve()
    if CYPHER_DIR not in path.parents or not path.is_file():
        raise UnknownQuery(name)
    return path.read_text(encoding="utf-8").strip()


def statements(name: str) -> list[str]:
    """A file of several statements (a migration), split on the `;` that ends each line."""
    text = query(name)
    parts, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("//"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            parts.append("\n".join(current).rstrip().rstrip(";").strip())
            current = []
    tail = "\n".join(current).strip()
    if tail:
        parts.append(tail)
    return [p for p in parts if p]


def migration_names() -> list[str]:
    """Migrations in the order they apply: `migrations/0001_*.cypher`, `0002_*`, …"""
    return [f"migrations/{p.stem}" for p in sorted((CYPHER_DIR / "migrations").glob("*.cypher"))]
