from pathlib import Path

from schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def test_checked_in_schema_matches_the_code():
    """Integrators and IG reviewers read schema/schema.graphql: it must be what the server really serves.
    After changing the schema, run `.venv/bin/family-context export-schema` and commit the file."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == build_schema().as_str() + "\n"
